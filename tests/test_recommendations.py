"""The recommendations hook and the gap question behind it, on the fixture.

By hand: UN members BRA (Americas), KEN and NGA (Africa), FJI and TON (Oceania); alpha is
global, beta covers KEN NGA (AU), gamma FJI TON (PIF) and KEN; TON is the only LDC. p1 KEN
cybercrime (alpha, beta), p2 FJI TON skills (gamma), p3 "Pacific" strategy (alpha), p4 NGA
cybercrime + strategy (beta). No SIDS or income groups in the fixture.
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
from cbdash.text import escape_markdown
from tests.conftest import FIXTURE_DIR


@pytest.fixture(scope="module")
def model() -> Model:
    return build_model(FIXTURE_DIR)


@pytest.fixture(scope="module")
def table(model) -> pd.DataFrame:
    inv = model.inventory
    return recommendations.by_region(model, inv.mappings, inv.projects)


def test_by_region_rows_in_order_of_gaps(table):
    assert list(table["region"]) == ["Americas", "Africa", "Oceania"]


def test_by_region_africa(table):
    africa = table.set_index("region").loc["Africa"].to_dict()
    assert africa == {
        "countries": 2,
        "mappings": 3,
        "regional mappings": 2,
        "regional mapping names": "Beta Database; Gamma Index",
        "most alike regional pair": "Beta Database & Gamma Index",
        "countries both cover": 1,  # KEN
        "most mapped topic": "Cybercrime",
        "mappings on it": 2,
        "projects": 2,  # p1, p4
        "projects listed by 2+ mappings": 1,  # p1
        "least served topic": "Culture & skills",
        "projects on it": 0,
        "topics with no project": "Culture & skills",
        "thin countries": 0,  # KEN and NGA are named by projects
        "thin country examples": "",
    }


def test_by_region_americas_and_oceania(table):
    rows = table.set_index("region")
    assert rows.loc["Americas", "thin country examples"] == "Brazil"
    assert rows.loc["Americas", "regional mappings"] == 0
    assert rows.loc["Americas", "topics with no project"] == (
        "Cybercrime; Policy & strategy; Culture & skills"
    )
    assert rows.loc["Oceania", "topics with no project"] == "Cybercrime"  # p2, p3 elsewhere
    assert rows.loc["Oceania", "most alike regional pair"] == ""  # only gamma is regional


def test_by_region_follows_the_filters(model):
    inv = model.inventory
    only = Filters(kinds=("index_or_ranking",))
    mappings = model.filtered_mappings(only)
    rows = recommendations.by_region(model, mappings, inv.projects).set_index("region")
    assert rows["mappings"].to_dict() == {"Americas": 0, "Africa": 1, "Oceania": 1}  # gamma


def test_markdown_report(table):
    md = recommendations.to_markdown(
        table, filters_text="No filters: all records.", on=date(2026, 1, 2)
    )
    assert md.startswith("# Main overlaps and gaps by region\n")
    assert "on 2026-01-02. No filters: all records." in md
    assert "## Africa (2 countries)" in md
    assert "## Americas (1 country)" in md
    assert "- **Mapped by** 3 mappings, 2 of them regional: Beta Database, Gamma Index." in md
    assert (
        "- **Overlap**: Beta Database & Gamma Index both cover 1 of its countries; the most "
        "mapped topic is Cybercrime (2 mappings); 1 of its 2 listed projects appear in two or "
        "more mappings." in md
    )
    assert (
        "- **Gaps**: no listed project on Cybercrime, Policy & strategy, Culture & skills; "
        "1 country covered by at most 2 regional mappings and named by no project, e.g. "
        "Brazil." in md
    )


def test_markdown_escapes_data(table):
    odd = table.assign(region=table["region"].replace("Africa", "*Africa* [x](y) $1$"))
    md = recommendations.to_markdown(odd)
    assert r"## \*Africa\* \[x\](y) \$1\$ (2 countries)" in md


def test_markdown_when_nothing_matches():
    md = recommendations.to_markdown(pd.DataFrame())
    assert "No region has data under these filters." in md


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain text, (with) brackets.", "plain text, (with) brackets."),
        ("a*b_c", r"a\*b\_c"),
        ("<b>x</b>", r"\<b\>x\</b\>"),
        ("[link](http://x)", r"\[link\](http://x)"),
        ("#1 | $5", r"\#1 \| \$5"),
    ],
)
def test_escape_markdown(text, escaped):
    assert escape_markdown(text) == escaped


# The gap question (gaps page and story) ----------------------------------------------------


def _answer(model, **question):
    inv = model.inventory
    return gaps.answer(
        gaps.GapQuestion(**question),
        inv.mappings,
        inv.projects,
        model.coverage,
        model.countries,
        model.country_regions,
        inv.country_groups,
    )


def test_ldc_with_few_mappings_and_no_cybercrime_project(model):
    got = _answer(model, group="ldc", topic="cybercrime", max_mappings=2, regional_only=False)
    assert got.to_dict("records") == [
        {
            "iso3": "TON",
            "country": "Tonga",
            "region": "Oceania",
            "context": "Least developed countries (UN)",
            "mappings": 2,  # alpha, gamma
            "projects": 0,
        }
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ({}, ["BRA"]),  # UN members, regional mappings <= 2, no project
        ({"regional_only": False}, ["BRA"]),  # alpha only: 1 <= 2
        ({"regional_only": False, "max_mappings": 0}, []),
        ({"max_projects": 1}, ["BRA", "FJI", "NGA", "TON", "KEN"]),  # fewest mappings first
        ({"topic": "cybercrime"}, ["BRA", "FJI", "TON"]),
        ({"group": "ldc", "topic": "culture_skills"}, []),  # p2 names TON
        ({"group": "sids"}, []),  # not in the fixture
        ({"group": "all", "max_mappings": 0}, ["BRA"]),
    ],
)
def test_gap_question(model, question, expected):
    assert list(_answer(model, **question)["iso3"]) == expected


def test_gap_question_without_global_counts_only_regional(model):
    got = _answer(model, max_projects=5).set_index("iso3")["mappings"].to_dict()
    assert got == {"BRA": 0, "FJI": 1, "NGA": 1, "TON": 1, "KEN": 2}


def test_context_groups_say_which_are_missing(model):
    inv = model.inventory
    ctx = gaps.context_groups(inv.groups, inv.country_groups).set_index("group_id")
    assert list(ctx.index) == list(gaps.CONTEXT_GROUPS)
    assert ctx.loc["ldc"].to_dict() == {
        "name": "Least developed countries (fixture)",
        "countries": 1,
        "source_url": "https://example.org/ldc",
        "as_of": "2025",
        "present": True,
    }
    assert not ctx.loc["sids", "present"]
    assert ctx.loc["sids", "name"] == "Small island developing states (UN)"


def test_region_topic_answer(model):
    inv = model.inventory
    topics = ["cybercrime", "policy_strategy", "culture_skills"]
    matrix, cells = gaps.region_topic_answer(
        gaps.GapQuestion(max_mappings=0),
        inv.mappings,
        inv.projects,
        model.coverage,
        model.mapping_regions,
        model.project_regions,
        ["Africa", "Americas", "Oceania"],
        topics,
    )
    assert matrix.loc["Americas"].tolist() == [0, 0, 0]
    assert matrix.loc["Africa"].tolist() == [2, 1, 0]  # p1 p4; p4; none
    assert cells[["region", "topic"]].values.tolist() == [
        ["Americas", "culture_skills"],
        ["Americas", "cybercrime"],
        ["Americas", "policy_strategy"],
        ["Oceania", "cybercrime"],  # no regional mapping on cybercrime there either
    ]


# Precomputed inputs give the same answers (pages pass them; faster on 100,000 projects) ---


@pytest.mark.parametrize(
    "question",
    [{}, {"topic": "cybercrime"}, {"max_projects": 1}, {"group": "all", "regional_only": False}],
)
def test_answer_with_model_project_counts_is_the_same(model, question):
    inv = model.inventory
    q = gaps.GapQuestion(**question)
    args = (q, inv.mappings, inv.projects, model.coverage, model.countries)
    args += (model.country_regions, inv.country_groups)
    pd.testing.assert_frame_equal(
        gaps.answer(*args, project_counts=model.project_counts), gaps.answer(*args)
    )


def test_region_topic_answer_with_precomputed_projects_is_the_same(model):
    inv = model.inventory
    topics = ["cybercrime", "policy_strategy", "culture_skills"]
    regions = ["Africa", "Americas", "Oceania"]
    args = (gaps.GapQuestion(max_mappings=1), inv.mappings, inv.projects, model.coverage)
    args += (model.mapping_regions, model.project_regions, regions, topics)
    by_projects = gaps.region_topic_project_matrix(model.project_regions, inv.projects, topics)
    assert by_projects.loc["Africa", "cybercrime"] == 2  # p1, p4
    for got, want in zip(
        gaps.region_topic_answer(*args, by_projects=by_projects),
        gaps.region_topic_answer(*args),
        strict=True,
    ):
        pd.testing.assert_frame_equal(got, want)


def test_by_region_takes_filtered_project_rows(model):
    """Only p1 (KEN, cybercrime, listed by alpha and beta) passes: Africa keeps 1 project."""
    inv = model.inventory
    p1 = inv.projects[inv.projects["project_id"] == "p1"]
    rows = recommendations.by_region(model, inv.mappings, p1).set_index("region")
    assert rows["projects"].to_dict() == {"Americas": 0, "Africa": 1, "Oceania": 0}
    assert rows.loc["Africa", "projects listed by 2+ mappings"] == 1
    assert rows.loc["Africa", "thin countries"] == 1  # NGA: named only by p4
    assert rows.loc["Africa", "thin country examples"] == "Nigeria"


def test_code_pairs_count_a_repeated_value_once():
    values, (rows, codes) = recommendations._code_pairs(
        pd.Series([("a", "b", "a"), (), ("b",)], dtype=object)
    )
    assert list(values) == ["a", "b"]
    assert sorted(zip(rows.tolist(), values[codes].tolist(), strict=True)) == [
        (0, "a"),
        (0, "b"),
        (2, "b"),
    ]


def test_ranked_ties_in_vocabulary_order_then_by_value():
    counts = np.array([2, 2, 0, 2, 3])
    got = recommendations._ranked(["b", "a", "c", "zz", "d"], counts, ["a", "b", "c"])
    assert got == [("d", 3), ("a", 2), ("b", 2), ("zz", 2)]  # d and zz not in the vocabulary


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


def test_project_reach_counts_projects_per_region_and_topic_by_hand():
    projects = pd.DataFrame(
        {
            "project_id": ["a", "b", "c"],
            "topics": [("t1", "t2"), ("t2",), ()],
        }
    )
    project_regions = pd.DataFrame(
        {"project_id": ["a", "a", "b", "c", "x"], "region": ["R1", "R2", "R1", "R2", "R1"]}
    )
    reach = gaps.ProjectReach.build(project_regions, projects)
    every = reach.region_topic(np.array([True, True, True]), ["t1", "t2", "t3"])
    assert every.to_dict("index") == {  # x is not a project: ignored
        "R1": {"t2": 2, "t1": 1, "t3": 0},
        "R2": {"t2": 1, "t1": 1, "t3": 0},
    }
    only_c = reach.region_topic(np.array([False, False, True]), ["t1"])
    assert only_c.to_dict("index") == {"R2": {"t1": 0}}  # c reaches R2 on no topic


@pytest.mark.parametrize("kept", [None, ["p1", "p4"], []])
def test_project_reach_is_region_topic_project_matrix(model, kept):
    inv = model.inventory
    topics = ["cybercrime", "policy_strategy", "culture_skills", "not_a_topic"]
    chosen = np.ones(len(inv.projects), dtype=bool)
    if kept is not None:
        chosen = inv.projects["project_id"].isin(kept).to_numpy()
    reach = gaps.ProjectReach.build(model.project_regions, inv.projects)
    pd.testing.assert_frame_equal(
        reach.region_topic(chosen, topics),
        gaps.region_topic_project_matrix(model.project_regions, inv.projects[chosen], topics),
    )
