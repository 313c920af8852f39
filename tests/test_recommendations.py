"""The summary by region (for the forum's report) follows the gaps page's question, on the
fixture.

By hand: ODA recipients BRA (Americas), KEN and NGA (Africa), FJI and TON (Oceania); alpha
is global, beta covers KEN NGA (AU), gamma FJI TON (PIF) and KEN. GCI tiers BRA 1, KEN 1,
NGA 4, TON 5, FJI unknown. p1 KEN cybercrime (alpha, beta), p2 FJI TON skills (gamma), p3
"Pacific" strategy (alpha), p4 NGA + "Africa" cybercrime + strategy (beta). Default
question: tier 4-5, at most 2 projects and 1 regional mapping: Tonga and Nigeria ranked,
Fiji thin with tier unknown.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from cbdash.analysis import gaps
from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model, build_model
from cbdash.present import recommendations
from cbdash.present.views import gaps as gaps_view
from cbdash.present.views import project_reach
from cbdash.text import escape_markdown
from tests.conftest import FIXTURE_DIR

TOPICS = ["cybercrime", "policy_strategy", "culture_skills"]
DEFAULT = gaps.GapQuestion()
ALL = Filters()


@pytest.fixture(scope="module")
def model() -> Model:
    return build_model(FIXTURE_DIR)


def _by_region(model, q=DEFAULT, projects=None, filters=ALL):
    inv = model.inventory
    answer = gaps_view.gap_answer(model, filters, q).table
    chosen = gaps.projects_on(inv.projects if projects is None else projects, q.topic)
    topics = [q.topic] if q.topic else TOPICS
    return recommendations.by_region(
        model, model.filtered_mappings(filters), chosen, answer, topics, project_reach(model)
    )


@pytest.fixture(scope="module")
def table(model) -> pd.DataFrame:
    return _by_region(model)


def test_by_region_rows_in_order_of_gaps(table):
    # Oceania and Africa have one ranked country each; Oceania also Fiji (tier unknown).
    assert list(table["region"]) == ["Oceania", "Africa", "Americas"]


def test_by_region_africa(table):
    africa = table.set_index("region").loc["Africa"].to_dict()
    assert africa == {
        "countries": 2,
        "high need, thin support": 1,
        "examples": "Nigeria",
        "thin support, tier unknown": 0,
        "examples (tier unknown)": "",
        "mappings": 3,
        "regional mappings": 2,
        "regional mapping names": "Beta Database; Gamma Index",
        "most alike regional pair": "Beta Database & Gamma Index",
        "countries both cover": 1,  # KEN
        "most mapped topic": "Cybercrime",  # alpha, beta
        "mappings on it": 2,
        "projects": 2,  # p1, p4
        "projects listed by 2+ mappings": 1,  # p1
        "least served topic": "Culture & skills",
        "projects on it": 0,
        "topics with no project": "Culture & skills",
    }


def test_by_region_oceania_and_americas(table):
    rows = table.set_index("region")
    assert rows.loc["Oceania", "examples"] == "Tonga"
    assert rows.loc["Oceania", "examples (tier unknown)"] == "Fiji"
    assert rows.loc["Oceania", "regional mapping names"] == "Gamma Index"
    assert rows.loc["Oceania", "most alike regional pair"] == ""  # only gamma is regional
    assert rows.loc["Oceania", "projects"] == 2  # p2 names FJI TON; p3 "Pacific"
    assert rows.loc["Oceania", "topics with no project"] == "Cybercrime"
    assert rows.loc["Americas", "regional mappings"] == 0
    assert rows.loc["Americas", "topics with no project"] == (
        "Cybercrime; Policy & strategy; Culture & skills"
    )


@pytest.mark.parametrize(
    ("question", "regions", "ranked"),
    [
        ({"group": "sids"}, ["Oceania"], {"Oceania": 1}),
        ({"need": "gci5"}, ["Oceania", "Africa", "Americas"], {"Oceania": 1, "Africa": 0}),
        ({"need": "any"}, ["Oceania", "Africa", "Americas"], {"Oceania": 2, "Americas": 1}),
        # only Brazil is thin (tier 1): no region has a gap, so they go by name
        ({"max_mappings": 0}, ["Africa", "Americas", "Oceania"], {"Africa": 0, "Oceania": 0}),
    ],
)
def test_by_region_follows_every_choice(model, question, regions, ranked):
    rows = _by_region(model, gaps.GapQuestion(**question)).set_index("region")
    assert list(rows.index) == regions
    for region, n in ranked.items():
        assert rows.loc[region, "high need, thin support"] == n


def test_by_region_follows_the_topic(model):
    rows = _by_region(model, gaps.GapQuestion(topic="cybercrime")).set_index("region")
    assert rows["projects"].to_dict() == {"Oceania": 0, "Africa": 2, "Americas": 0}
    assert rows.loc["Oceania", "topics with no project"] == "Cybercrime"
    assert rows.loc["Africa", "topics with no project"] == ""


def test_by_region_follows_the_filters(model):
    only_beta = Filters(kinds=("project_database",))
    rows = _by_region(model, filters=only_beta).set_index("region")
    assert rows.loc["Africa", "mappings"] == 1
    assert rows.loc["Africa", "regional mapping names"] == "Beta Database"


def test_by_region_takes_filtered_project_rows(model):
    """Only p1 (KEN, cybercrime, listed by alpha and beta) passes: Africa keeps 1 project."""
    p1 = model.inventory.projects[model.inventory.projects["project_id"] == "p1"]
    rows = _by_region(model, projects=p1).set_index("region")
    assert rows["projects"].to_dict() == {"Oceania": 0, "Africa": 1, "Americas": 0}
    assert rows.loc["Africa", "projects listed by 2+ mappings"] == 1


def test_markdown_report(table):
    md = recommendations.to_markdown(
        table, question="ODA-eligible states.", filters_text="Active mappings.", on=date(2025, 1, 2)
    )
    assert md.startswith("# Main overlaps and gaps by region\n")
    assert "Computed by cbdash from its inventory on 2025-01-02. ODA-eligible states." in md
    assert "## Africa (2 countries)" in md
    assert (
        "- **Gaps**: 1 country of high need and thin support: Nigeria; no project on "
        "Culture & skills." in md
    )
    assert (
        "- **Overlap**: mapped by 3 mappings, 2 of them regional (Beta Database, Gamma "
        "Index); Beta Database & Gamma Index both cover 1 of its countries; the most mapped "
        "topic is Cybercrime (2 mappings); 1 of its 2 projects appears in two or more "
        "mappings." in md
    )
    assert "1 country with thin support and GCI tier unknown: Fiji" in md


def test_markdown_count_and_names_agree(table):
    """A region with more countries than the examples it keeps names them, then says how
    many more (Africa: 6 counted, 5 named and 'and 1 more')."""
    names = ["A", "B", "C", "D", "E", "F"]
    big = table.copy()
    africa = big["region"] == "Africa"
    big.loc[africa, "high need, thin support"] = 6
    big.loc[africa, "examples"] = "; ".join(names[: recommendations.EXAMPLES])
    big.loc[africa, "thin support, tier unknown"] = 2
    big.loc[africa, "examples (tier unknown)"] = "Fiji; Palau"
    md = recommendations.to_markdown(big)
    assert "6 countries of high need and thin support: A, B, C, D, E and 1 more;" in md
    assert "2 countries with thin support and GCI tier unknown: Fiji, Palau;" in md


def test_markdown_escapes_data(table):
    odd = table.assign(region=table["region"].replace("Africa", "*Africa* [x](y) $1$"))
    md = recommendations.to_markdown(odd)
    assert r"## \*Africa\* \[x\](y) \$1\$ (2 countries)" in md


def test_markdown_when_nothing_matches():
    md = recommendations.to_markdown(pd.DataFrame())
    assert "No region has data under these choices." in md


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain text, (with) brackets.", "plain text, (with) brackets."),
        ("a*b_c", r"a\*b\_c"),
        ("<b>x</b>", r"\<b\>x\</b\>"),
        ("[link](http://x)", "\\[link\\](http:\u2060//x)"),
        ("see https://evil.example/login", "see https:\u2060//evil.example/login"),
        ("www.evil.example or a@b.example", "www\u2060.evil.example or a@\u2060b.example"),
        ("#1 | $5", r"\#1 \| \$5"),
    ],
)
def test_escape_markdown(text, escaped):
    assert escape_markdown(text) == escaped


def test_top_pair_by_hand():
    # m1 covers c1 c2 c3, m2 c2 c3, m3 c1 c2 c3 (ties with m1: ids decide), m4 nothing
    matrix = np.array(
        [[1, 1, 1], [0, 1, 1], [1, 1, 1], [0, 0, 0]],
        dtype=bool,
    )
    assert recommendations._top_pair(["m3", "m2", "m1", "m4"], matrix) == (("m1", "m3"), 3)
    assert recommendations._top_pair(["m1", "m4"], matrix[[0, 3]]) == (None, 0)
    assert recommendations._top_pair(["a", "b"], np.array([[1, 0], [0, 1]], dtype=bool)) == (
        None,
        0,
    )
