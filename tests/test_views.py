"""cbdash.present.views: what each page shows, on the fixture inventory (three mappings, five
countries, four projects, one cooperation link), and that a second call with the same
filters and choices returns the object kept by `Model.memo` (or `Model.derived`)."""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from cbdash import dedupe
from cbdash.analysis import gaps
from cbdash.analysis import projects as projects_module
from cbdash.analysis.filters import Filters
from cbdash.analysis.model import build_model
from cbdash.present import takeaways
from cbdash.present.views import cooperation as cooperation_view
from cbdash.present.views import coverage_map as coverage_map_view
from cbdash.present.views import explore as explore_view
from cbdash.present.views import gaps as gaps_view
from cbdash.present.views import home as home_view
from cbdash.present.views import method as method_view
from cbdash.present.views import overlap as overlap_view
from cbdash.present.views import projects as projects_view
from cbdash.present.views import topics as topics_view
from tests.conftest import FIXTURE_DIR

ALL = Filters()
CYBERCRIME = Filters(topics=("cybercrime",))  # alpha and beta; projects p1 and p4


@pytest.fixture(scope="module")
def model():
    return build_model(FIXTURE_DIR)


def memo_keys(model) -> list:
    return list(model.derived("memo", OrderedDict))


# Gaps ------------------------------------------------------------------------------------
# By hand (fixture): ODA recipients BRA FJI KEN NGA TON; GCI tiers BRA 1, KEN 1, NGA 4, TON 5,
# FJI unknown; regional or national mappings BRA 0, FJI 1, KEN 2, NGA 1, TON 1; projects
# projects BRA 0, FJI 1, KEN 1, NGA 1, TON 1. Default question: tier 4-5, at most 2 projects
# and 1 mapping.


def test_gap_topics_leave_out_other(model):
    assert gaps_view.gap_topics(model) == ["cybercrime", "policy_strategy", "culture_skills"]
    assert gaps_view.gap_topics(model) is gaps_view.gap_topics(model)


def test_gap_groups_and_members(model):
    groups = gaps_view.gap_groups(model)
    assert list(groups) == ["oda_recipients", "ldc", "sids", "un_members", "all"]
    assert groups["oda_recipients"] == "ODA-eligible states"
    assert gaps_view.gap_context(model).loc["ldc", "present"]
    assert not gaps_view.gap_context(model).loc["wb_high", "present"]  # not in the fixture
    assert gaps_view.gap_members(model, "sids") == {"FJI", "TON"}
    assert gaps_view.gap_members(model, "all") == {"BRA", "FJI", "KEN", "NGA", "TON"}
    assert gaps_view.gap_members(model, "ldc") is gaps_view.gap_members(model, "ldc")


def test_gap_answer_default_question(model):
    answer = gaps_view.gap_answer(model, ALL, gaps.GapQuestion())
    # Fiji has no GCI tier and thin support: the 2 ranked are a lower bound, of the 4
    # states with a known tier.
    assert answer.text == (
        "At least 2 of the 5 ODA-eligible states have high need (GCI 2024 tier 4–5) and thin "
        "support (at most 2 projects and at most 1 regional or national mapping): 2 of the 4 "
        "with a known GCI tier (Tonga and Nigeria). GCI tier unknown for 1 of the 5: 1 of "
        "them with thin support is listed apart, not ranked."
    )
    assert answer.ranked["country"].tolist() == ["Tonga", "Nigeria"]  # tier 5 before 4
    assert answer.ranked["rank"].tolist() == [1, 2]
    assert answer.ranked.iloc[0]["why"] == (
        "need: GCI 2024 tier 5 (building), least developed, small island developing state; "
        "support: 1 project and 1 regional or national mapping"
    )
    assert answer.ranked.iloc[0]["context"] == (
        "ODA-eligible; least developed; small island developing state"
    )
    assert answer.unknown["country"].tolist() == ["Fiji"]
    assert answer.unknown["GCI 2024 tier"].tolist() == ["unknown"]
    status = answer.table.set_index("iso3")["status"].to_dict()
    assert status == {
        "TON": "ranked",
        "NGA": "ranked",
        "FJI": "unknown tier",
        "BRA": "lower need",
        "KEN": "more support",
    }
    assert gaps_view.gap_answer(model, ALL, gaps.GapQuestion()) is answer


@pytest.mark.parametrize(
    ("question", "ranked", "unknown"),
    [
        ({"need": "gci5"}, ["Tonga"], ["Fiji"]),  # Nigeria is tier 4: lower need
        ({"need": "any"}, ["Brazil", "Tonga", "Nigeria", "Fiji"], []),  # by support first
        ({"group": "sids"}, ["Tonga"], ["Fiji"]),
        ({"group": "ldc"}, ["Tonga"], []),
        ({"max_mappings": 0}, [], []),  # only Brazil has no regional mapping: tier 1
        # cybercrime projects: KEN p1, NGA p4; none elsewhere
        ({"topic": "cybercrime", "max_projects": 0}, ["Tonga"], ["Fiji"]),
        ({"max_projects": 0}, [], []),  # Brazil alone has no project
    ],
)
def test_gap_answer_follows_the_question(model, question, ranked, unknown):
    answer = gaps_view.gap_answer(model, ALL, gaps.GapQuestion(**question))
    assert answer.ranked["country"].tolist() == ranked
    assert answer.unknown["country"].tolist() == unknown


def test_gap_answer_follows_the_filters(model):
    # Only beta (project database): regional mappings KEN 1, NGA 1, others 0.
    answer = gaps_view.gap_answer(model, Filters(kinds=("project_database",)), gaps.GapQuestion())
    assert answer.ranked["country"].tolist() == ["Tonga", "Nigeria"]
    assert answer.table.set_index("iso3").loc["KEN", "status"] == "lower need"  # now thin


def test_need_grid_names_the_sentence_countries(model):
    grid, cells = gaps_view.need_grid(model, ALL, gaps.GapQuestion())
    text = " ".join(t for row in grid.data[0].text for t in row)
    for name in ("Tonga", "Nigeria"):
        assert f"<b>{name}</b>" in text  # ranked: bold
    assert "Fiji" in text and "<b>Fiji</b>" not in text
    assert list(grid.data[0].y) == [
        "tier 5 (building)",
        "tier 4 (evolving)",
        "tier 3 (establishing)",
        "tier 2 (advancing)",
        "tier 1 (role-modelling)",
        "GCI tier unknown",
    ]
    assert list(grid.data[0].x) == ["0", "1–2", "3–10", "11–20", "21 or more"]
    frame = grid.layout.shapes[0]  # tiers 4-5 x up to 2 projects
    assert (frame.x0, frame.x1, frame.y0, frame.y1) == (-0.5, 1.5, -0.5, 1.5)
    assert int(cells["countries"].sum()) == 5
    assert gaps_view.need_grid(model, ALL, gaps.GapQuestion()) == (grid, cells)
    assert grid.layout.title.text == (
        "Need (ITU GCI 2024 tier) against support (projects of the inventory)"
    )


def test_need_grid_has_a_colour_key(model):
    """The colour counts the countries in a cell, and a key says so: whole numbers from 0
    to the fullest cell."""
    grid, cells = gaps_view.need_grid(model, ALL, gaps.GapQuestion())
    heat = grid.data[0]
    assert heat.showscale is True
    assert heat.colorbar.title.text == "countries in the cell"
    fullest = int(cells["countries"].max())
    assert list(heat.colorbar.tickvals) == list(range(0, fullest + 1))
    assert heat.colorbar.orientation == "h"  # above the cells: it takes no width from them


def test_gap_region_topics(model):
    answer = gaps_view.gap_region_topics(model, ALL, gaps.GapQuestion())
    # Rows by UN region, then name; p4 reaches Eastern Africa through "Africa".
    assert answer.matrix.to_dict("index") == {
        "Eastern Africa": {"cybercrime": 2, "policy_strategy": 1, "culture_skills": 0},
        "Western Africa": {"cybercrime": 1, "policy_strategy": 1, "culture_skills": 0},
        "South America": {"cybercrime": 0, "policy_strategy": 0, "culture_skills": 0},
        "Melanesia": {"cybercrime": 0, "policy_strategy": 1, "culture_skills": 1},
        "Polynesia": {"cybercrime": 0, "policy_strategy": 1, "culture_skills": 1},
    }
    assert len(answer.cells) == 7
    assert answer.cells.iloc[0].tolist() == ["Eastern Africa", "Culture & skills", 0]
    assert answer.sentence.startswith("7 of the 15 sub-region × topic cells have no project")
    assert isinstance(answer.heatmap, go.Figure)
    assert gaps_view.gap_region_topics(model, ALL, gaps.GapQuestion()) is answer


def test_gap_region_topics_for_one_group_and_topic(model):
    q = gaps.GapQuestion(group="sids", topic="cybercrime")
    answer = gaps_view.gap_region_topics(model, ALL, q)
    assert answer.matrix.to_dict("index") == {
        "Melanesia": {"cybercrime": 0},
        "Polynesia": {"cybercrime": 0},
    }


def test_gap_map_classes_follow_the_answer(model):
    gap_map = gaps_view.gap_map(model, ALL, gaps.GapQuestion())
    values = _map_values(gap_map)
    assert values == {
        "TON": "high need, thin support",
        "NGA": "high need, thin support",
        "FJI": "thin support, GCI tier unknown",
        "BRA": "thin support, lower need",
        "KEN": "more support",
    }
    assert gap_map.sentence.startswith("4 of the 5 ODA-eligible states have thin support")
    assert "high need, thin support" in gap_map.legend


def test_gap_report_follows_the_question(model):
    report = gaps_view.gap_report(model, ALL, gaps.GapQuestion(), date(2025, 1, 2))
    assert report.markdown.startswith(b"# Main overlaps and gaps by region\n")
    assert list(report.summary["region"]) == ["Oceania", "Africa", "Americas"]
    assert "high need = GCI 2024 tier 4–5" in report.body
    assert gaps_view.gap_report(model, ALL, gaps.GapQuestion(), date(2025, 1, 2)) is report
    sids = gaps_view.gap_report(model, ALL, gaps.GapQuestion(group="sids"), date(2025, 1, 2))
    assert list(sids.summary["region"]) == ["Oceania"]


# Cooperation -----------------------------------------------------------------------------


def test_cooperation_links_by_kind(model):
    links = cooperation_view.cooperation_links(model, ALL)
    assert list(links["link_id"]) == ["alpha-beta"]
    assert cooperation_view.cooperation_links(model, ALL, ["cross_listing"]).empty
    assert cooperation_view.cooperation_links(model, ALL, ["data_sharing"])["link_id"].tolist() == [
        "alpha-beta"
    ]
    assert cooperation_view.cooperation_links(model, ALL) is links
    # gamma is the only mapping left by this filter: no link among one mapping
    assert cooperation_view.cooperation_links(model, Filters(users=("civil_society",))).empty


def test_cooperation_takeaway(model):
    text = cooperation_view.cooperation_takeaway(model, ALL)
    assert text.startswith("1 known cooperation link joins 2 mappings; 1 of 3 stands alone")
    assert "Alpha Portal takes part in the most (1 link)" in text
    assert cooperation_view.cooperation_takeaway(model, ALL) is text


def test_cooperation_network_and_legend(model):
    arcs = cooperation_view.cooperation_network(model, ALL, [], "countries")
    assert isinstance(arcs.figure, go.Figure)
    assert not arcs.figure.layout.showlegend  # the legend is the HTML above the chart
    assert 'class="cbdash-network-legend"' in arcs.legend
    assert "Data sharing" in arcs.legend
    assert (arcs.drawn, arcs.linked) == (2, 2)  # alpha and beta; gamma stands alone
    assert [a.text for a in arcs.figure.layout.annotations] == ["Alpha Portal", "Beta Database"]
    kept = cooperation_view.cooperation_network(model, ALL, [], "countries")
    assert kept.figure is arcs.figure
    assert cooperation_view.cooperation_network(model, ALL, [], "projects").figure is not (
        arcs.figure
    )
    none = cooperation_view.cooperation_network(model, ALL, ["dialogue"], "countries")
    assert none.figure is None and none.linked == 0


def test_case_studies(model):
    studies = cooperation_view.case_studies(model, ALL, [])
    assert studies.labels == {"alpha-beta": "Alpha Portal → Beta Database: Data sharing (2023)"}
    assert studies.cases == {
        "alpha-beta": cooperation_view.CaseStudy(
            "project records",
            "2023",
            "Alpha and Beta exchange project records.",
            ("https://example.org/coop",),
        )
    }
    assert studies.table["sources"].tolist() == ["https://example.org/coop"]
    text = cooperation_view.case_markdown(studies.cases["alpha-beta"])
    assert "**What moved:** project records" in text and "**When:** 2023" in text
    assert "<https://example.org/coop>" in text
    unknown = studies.cases["alpha-beta"]._replace(when="year unknown", moved="a *b*")
    assert "**When:** year unknown" in cooperation_view.case_markdown(unknown)
    assert "a \\*b\\*" in cooperation_view.case_markdown(unknown)  # data text escaped
    assert cooperation_view.case_studies(model, ALL, []) is studies


def test_standing_alone(model):
    alone = cooperation_view.standing_alone(model, ALL)
    assert alone.to_dict("records") == [
        {
            "name": "Gamma Index",
            "owners": "Gamma Institute",
            "kind": "Index or ranking",
            "scope": "Pacific and Kenya",
            "url": "",
            "mapping id": "gamma",
        }
    ]
    assert cooperation_view.standing_alone(model, ALL) is alone
    assert cooperation_view.standing_alone(model, CYBERCRIME).empty  # alpha and beta are linked


# Overlap ---------------------------------------------------------------------------------


def test_overlap_comparison_by_countries(model):
    c = overlap_view.overlap_comparison(model, ALL, "countries", "count", True)
    assert (c.compared, c.with_values) == (3, 3)
    assert c.membership.loc["alpha"].all()  # the global mapping covers all five
    assert sorted(c.membership.columns[c.membership.loc["beta"]]) == ["KEN", "NGA"]
    assert c.shown is not None
    assert c.shown.first == ("alpha", "gamma")  # three shared countries
    assert c.shown.pairs.values.tolist() == [
        ["Alpha Portal", "Gamma Index", "3"],
        ["Alpha Portal", "Beta Database", "2"],
        ["Gamma Index", "Beta Database", "1"],
    ]
    assert list(c.shown.pairs.columns) == ["Mapping A", "Mapping B", "Items in common"]
    assert len(c.shown.long_form) == 9
    assert list(c.shown.long_form.columns) == [
        "mapping A",
        "mapping B",
        "items in common",
        "mapping A id",
        "mapping B id",
    ]
    assert c.shown.long_form.iloc[0][["mapping A", "mapping A id"]].tolist() == [
        "Alpha Portal",
        "alpha",
    ]
    assert c.shown.figure.layout.title.text == "Items in common by countries"
    z = c.shown.figure.data[0].z
    assert all(z[i][i] != z[i][i] for i in range(3))  # the diagonal is blank (NaN)
    assert c.sentence.startswith("By countries, **Alpha Portal** and **Gamma Index** overlap")
    assert overlap_view.overlap_comparison(model, ALL, "countries", "count", True) is c
    assert ("overlap", ALL, "countries", "count", True) in memo_keys(model)


def test_overlap_comparison_without_global_and_by_jaccard(model):
    c = overlap_view.overlap_comparison(model, ALL, "countries", "jaccard", False)
    assert (c.compared, c.with_values) == (2, 2)  # alpha is global
    assert c.shown.pairs.values.tolist() == [["Beta Database", "Gamma Index", "0.25"]]
    every = overlap_view.overlap_comparison(model, ALL, "countries", "jaccard", True)
    assert every.shown.pairs["Jaccard (shared / either)"].tolist() == ["0.60", "0.40", "0.25"]


def test_overlap_global_toggle_applies_to_countries_only(model):
    projects = overlap_view.overlap_comparison(model, ALL, "projects", "count", False)
    assert projects.compared == 3  # alpha (global) stays: shared projects are never hidden
    assert projects.shown.first == ("alpha", "beta")  # both list p1
    assert sorted(projects.membership.columns) == ["p1", "p2", "p3", "p4"]


def test_overlap_lists_only_pairs_that_share_something(model):
    topics = overlap_view.overlap_comparison(model, ALL, "topics", "count", True)
    assert topics.shown.pairs["Items in common"].tolist() == ["1"]  # the two 0 pairs are out
    assert topics.sentence.startswith("By topics, **Alpha Portal** and **Beta Database**")


def test_overlap_comparison_needs_two_with_values(model):
    c = overlap_view.overlap_comparison(
        model, Filters(topics=("culture_skills",)), "topics", "count", True
    )
    assert (c.compared, c.with_values, c.shown) == (1, 1, None)
    assert "Fewer than two" in c.sentence


def test_pair_card(model):
    card = overlap_view.pair_card(model, ALL, "alpha", "gamma")
    assert card.table.values.tolist() == [
        ["Countries", 3, 2, 0],
        ["Topics", 0, 2, 1],
        ["Target users", 0, 1, 1],
        ["Shared projects", 0, 2, 1],
    ]
    assert list(card.table.columns) == [
        "Compared by",
        "In both",
        "Only in Alpha Portal",
        "Only in Gamma Index",
    ]
    assert card.lists["countries"].splitlines() == [
        "- **In both** (3): Fiji, Kenya, Tonga",
        "- **Only in Alpha Portal** (2): Brazil, Nigeria",
        "- **Only in Gamma Index** (0): none",
    ]
    projects = card.detail[card.detail["compared by"] == "Shared projects"]
    assert set(projects["item"]) == {
        "Kenya Cybercrime Training",
        "Pacific Strategy Support",
        "Pacific Skills",
    }
    assert list(card.detail.columns) == ["compared by", "item", "status"]
    assert overlap_view.pair_card(model, ALL, "alpha", "gamma") is card


# Four more mappings (hand-checked): delta is global but states only a count (4 countries);
# zeta covers the AU (KEN, NGA) like beta; epsilon and eta have unknown coverage. By topics
# alpha = delta (cybercrime, policy), beta = zeta = eta (cybercrime), gamma = epsilon (culture
# & skills): five pairs at Jaccard 1.00.
TIED_AND_UNKNOWN = """
  - id: delta
    name: Delta Reviews
    owners: [Delta Centre]
    url: null
    kind: index_or_ranking
    role: mapping
    status: active
    scope: global
    scope_groups: [un_members]
    coverage_basis: stated_count
    countries_stated: 4
    coverage_url: https://example.org/delta/reviews
    coverage_as_of: "2024"
    topics: [cybercrime, policy_strategy]
    target_users: [governments_policymakers]
    sources: [https://example.org/delta]
    confidence: medium
  - id: epsilon
    name: Epsilon Directory
    owners: [Epsilon Lab]
    url: null
    kind: knowledge_portal
    role: mapping
    status: active
    scope: unknown
    coverage_basis: unknown
    topics: [culture_skills]
    target_users: [civil_society]
    sources: [https://example.org/epsilon]
    confidence: low
  - id: zeta
    name: Zeta Map
    owners: [Zeta Org]
    url: null
    kind: knowledge_portal
    role: mapping
    status: active
    scope: African Union
    scope_groups: [au]
    coverage_basis: derived
    topics: [cybercrime]
    target_users: [law_enforcement_judiciary, governments_policymakers]
    sources: [https://example.org/zeta]
    confidence: low
  - id: eta
    name: Eta Index
    owners: [Eta Institute]
    url: null
    kind: index_or_ranking
    role: mapping
    status: active
    scope: unknown
    coverage_basis: unknown
    topics: [cybercrime]
    target_users: [law_enforcement_judiciary]
    sources: [https://example.org/eta]
    confidence: low
"""


@pytest.fixture
def tied(data_copy):
    path = data_copy / "mappings.yaml"
    path.write_text(path.read_text() + TIED_AND_UNKNOWN)
    wider = build_model(data_copy)
    assert wider.inventory.report.ok, wider.inventory.report.text()
    return wider


def test_overlap_sentence_counts_every_pair_tied_at_the_top(tied):
    c = overlap_view.overlap_comparison(tied, ALL, "topics", "jaccard", True)
    head = "By topics, 5 pairs overlap most (Jaccard (shared / either): 1.00 each): "
    assert c.sentence.startswith(head)
    named = c.sentence[len(head) :].split("; and ")[0].split("; ")
    assert len(named) == 3  # PAIRS_NAMED, the first three of the table
    first = c.shown.pairs.iloc[0]
    assert named[0] == f"**{first['Mapping A']}** and **{first['Mapping B']}**"
    assert c.sentence.endswith("; and 2 more pairs at 1.00. All 7 mappings are compared.")
    tied_pairs = {
        frozenset(p)
        for p in c.shown.pairs.loc[
            c.shown.pairs["Jaccard (shared / either)"] == "1.00", ["Mapping A", "Mapping B"]
        ].to_numpy()
    }
    names = tied.mapping_names
    assert tied_pairs == {
        frozenset({names[a], names[b]})
        for a, b in [
            ("alpha", "delta"),
            ("beta", "zeta"),
            ("beta", "eta"),
            ("zeta", "eta"),
            ("gamma", "epsilon"),
        ]
    }
    assert "jaccard" not in c.sentence  # the metric's name as on the page


def test_overlap_sentence_names_all_of_a_few_tied_pairs_and_plurals(model, tied):
    users = overlap_view.overlap_comparison(tied, ALL, "users", "count", True)
    # beta and zeta share 2 user groups; no other pair does.
    assert users.sentence.startswith("By target-user groups, **")
    assert "overlap most (sharing 2 target-user groups)." in users.sentence
    projects = overlap_view.overlap_comparison(model, ALL, "projects", "count", True)
    assert "overlap most (sharing 1 project)." in projects.sentence  # alpha and beta: p1
    assert projects.sentence.endswith("All 3 mappings are compared.")


def test_overlap_by_countries_accounts_for_every_mapping(tied):
    hidden = overlap_view.overlap_comparison(tied, ALL, "countries", "jaccard", False)
    assert (hidden.compared, hidden.with_values) == (5, 3)  # alpha, delta global; 3 lists
    assert hidden.left_out == (
        "3 of the 7 mappings are compared; 3 are left out with no known country list (1 "
        "states only how many countries it covers, 2 have unknown coverage); 1 global "
        "mapping is hidden (switch on “Include global mappings” to include it)."
    )
    leader, rest = hidden.sentence.split(" overlap most ")
    assert sorted(leader.removeprefix("By countries, ").split(" and ")) == [
        "**Beta Database**",
        "**Zeta Map**",
    ]
    assert rest == f"(Jaccard (shared / either): 1.00). {hidden.left_out}"
    shown = overlap_view.overlap_comparison(tied, ALL, "countries", "jaccard", True)
    assert shown.with_values == 4
    assert shown.left_out == (
        "4 of the 7 mappings are compared; 3 are left out with no known country list (1 "
        "states only how many countries it covers, 2 have unknown coverage)."
    )
    assert "delta" not in shown.membership.index  # a stated count shares no 0 countries


def test_pair_card_shows_a_stated_count_as_unknown_never_zero(tied):
    card = overlap_view.pair_card(tied, ALL, "alpha", "delta")
    assert card.table.values.tolist()[0] == [
        "Countries",
        "unknown",
        "unknown (covers 5)",
        "unknown (4 stated, no list)",
    ]
    assert card.table.values.tolist()[1] == ["Topics", "2", "0", "0"]  # text beside unknown
    assert card.lists["countries"].splitlines() == [
        "- **Delta Reviews**: countries: 4 stated, no list (the source says how many, not which)",
        "- **In both**: unknown, for want of a country list",
        "- **Alpha Portal** (5): Brazil, Fiji, Kenya, Nigeria, Tonga",
    ]
    countries = card.detail[card.detail["compared by"] == "Countries"]
    assert set(countries["status"]) == {"in Alpha Portal; Delta Reviews unknown"}
    both_unknown = overlap_view.pair_card(tied, ALL, "epsilon", "eta")
    assert both_unknown.table.values.tolist()[0] == ["Countries", "unknown", "unknown", "unknown"]


# Topics ----------------------------------------------------------------------------------


def test_topics_sentence_follows_the_view(model):
    """One sentence per view, from the table that view's chart draws (fixture by hand:
    alpha cybercrime+policy, gov; beta cybercrime, gov+law; gamma culture+policy, civil
    society)."""
    said = {
        (view if of == "mappings" else f"{view} {of}"): topics_view.topics_sentence(
            model, ALL, view, of
        )
        for view, of in [
            ("mappings", "mappings"),
            ("users", "mappings"),
            ("regions", "mappings"),
            ("regions", "projects"),
            ("users_topics", "mappings"),
            ("crosswalk", "mappings"),
        ]
    }
    assert said["mappings"] == (
        "Cybercrime is the most covered topic (2 of 3 mappings); Culture & skills and Policy & "
        "strategy the least (1 each)."
    )
    assert said["users"] == (
        "Governments & policymakers are served by 2 of 3 mappings; Civil society and Law "
        "enforcement & judiciary by 1 each."
    )
    regions = topics_view.topics_by_region(model, ALL, "mappings").matrix
    assert regions.loc["Oceania"].tolist() == [1, 1, 1]  # a three-way tie, all named
    assert said["regions"] == (
        "The most covered topic per region, in mappings: Africa: Cybercrime (2); Oceania: "
        "Culture & skills, Cybercrime and Policy & strategy (1 each); Americas: Cybercrime "
        "and Policy & strategy (1 each)."
    )
    assert said["users_topics"] == (
        "The most common combination is Governments & policymakers on cybercrime (2 mappings)."
    )
    assert said["crosswalk"] == (
        "2 categories of GFCE theme and ITU GCI pillar are mapped to 1 of the 3 topics; most "
        "to Cybercrime (2)."
    )
    assert topics_view.topics_sentence(model, ALL, "mappings") is said["mappings"]


def test_topics_sentence_names_what_the_chart_shows_as_zero(model):
    """Filtered to cybercrime (alpha, beta): no mapping covers culture & skills or serves
    civil society; the charts keep that column and row as 0 and the sentences say "none"."""
    t = topics_view.topics_by_mapping(model, CYBERCRIME)
    assert t.matrix["culture_skills"].tolist() == [0, 0]
    assert topics_view.topics_sentence(model, CYBERCRIME, "mappings") == (
        "Cybercrime is the most covered topic (2 of 2 mappings); Culture & skills the least "
        "(none). Only mappings on cybercrime are counted (Topics filter)."
    )
    users = topics_view.users_by_mapping(model, CYBERCRIME).matrix
    assert users["civil_society"].tolist() == [0, 0]
    assert topics_view.topics_sentence(model, CYBERCRIME, "users") == (
        "Governments & policymakers are served by 2 of 2 mappings; Civil society by none."
    )
    cells = topics_view.topics_by_users(model, CYBERCRIME).matrix
    assert cells.loc["civil_society"].sum() == 0 and cells["culture_skills"].sum() == 0
    said = topics_view.topics_sentence(model, CYBERCRIME, "users_topics")
    assert "Served by none of them: Civil society." in said
    assert "Covered by none of them: Culture & skills." in said
    by_region = topics_view.topics_sentence(model, CYBERCRIME, "regions", "projects")
    assert by_region.endswith("Only projects on cybercrime are counted (Topics filter).")


def test_topics_by_mapping(model):
    t = topics_view.topics_by_mapping(model, ALL)
    assert t.matrix.loc["alpha"].to_dict() == {
        "cybercrime": 1,
        "culture_skills": 0,
        "policy_strategy": 1,
    }
    assert list(t.matrix.columns) == ["cybercrime", "culture_skills", "policy_strategy"]
    assert t.matrix.loc["gamma", "culture_skills"] == 1
    assert len(t.long) == 9 and list(t.long.columns) == [
        "mapping",
        "topic",
        "covered",
        "mapping id",
        "topic id",
    ]
    assert t.long.iloc[0][["mapping", "topic"]].tolist() == ["Alpha Portal", "Cybercrime"]
    assert t.figure.layout.title.text == "Topics each mapping covers (dark = covered)"
    assert not t.figure.layout.annotations  # no cell labels on a 0/1 matrix
    assert topics_view.topics_by_mapping(model, ALL) is t
    assert ("topics_mapping", ALL) in memo_keys(model)


def test_topics_by_region_counts_mappings_or_projects(model):
    by_mappings = topics_view.topics_by_region(model, ALL, "mappings")
    assert by_mappings.matrix.loc["Africa"].to_dict() == {
        "cybercrime": 2,
        "policy_strategy": 1,
        "culture_skills": 1,
    }
    by_projects = topics_view.topics_by_region(model, ALL, "projects")
    assert by_projects.matrix.loc["Africa"].to_dict() == {
        "cybercrime": 2,  # p1 (Kenya) and p4 (Nigeria, Africa)
        "policy_strategy": 1,
        "culture_skills": 0,
    }
    assert list(by_projects.long.columns) == ["region", "topic", "projects", "topic id"]
    assert by_projects.figure.layout.title.text == "Projects per UN region and topic"
    assert topics_view.topics_by_region(model, ALL, "projects") is by_projects
    assert topics_view.topics_by_region(model, ALL, "mappings") is by_mappings


def test_topics_by_region_without_counts_has_no_chart(model):
    americas = Filters(regions=("m49_019",))  # alpha covers Brazil; no project there
    assert topics_view.topics_by_region(model, americas, "mappings").figure is not None
    t = topics_view.topics_by_region(model, americas, "projects")
    assert t.figure is None
    assert t.long is t.matrix


def test_topics_by_users(model):
    matrix, figure, long = topics_view.topics_by_users(model, ALL)
    counts = long.set_index(["target users id", "topic id"])["mappings"]
    assert counts["governments_policymakers", "cybercrime"] == 2  # alpha and beta
    assert counts["civil_society", "culture_skills"] == 1  # gamma
    assert long.iloc[0][["target users", "topic"]].tolist() == [
        "Governments & policymakers",
        "Cybercrime",
    ]
    assert counts.sum() == 5
    assert matrix.shape == (3, 3)  # every group and topic, 0 included
    assert figure.layout.title.text == "Mappings per target-user group and topic"
    assert topics_view.topics_by_users(model, ALL).figure is figure


def test_topics_crosswalk_by_labels(model):
    cw = topics_view.topics_crosswalk(model)
    assert list(cw.columns) == [
        "framework",
        "category",
        "topic",
        "relation",
        "note",
        "source",
        "topic id",
    ]
    assert cw["topic"].tolist() == ["Cybercrime", "Cybercrime"]
    assert topics_view.topics_crosswalk(model) is cw


# Projects --------------------------------------------------------------------------------


def test_projects_sentence(model):
    text = projects_view.projects_sentence(model, ALL)
    assert text.startswith(
        "1 of 4 projects is listed by two or more of the mappings counted here; 0 are listed"
    )
    assert projects_view.projects_sentence(model, ALL) is text


def test_projects_listed_by_several(model):
    shown = projects_view.projects_listed_by_several(model, ALL)
    assert shown["title"].tolist() == ["Kenya Cybercrime Training"]  # alpha and beta list p1
    assert shown.iloc[0]["listed in"] == "Alpha Portal; Beta Database"
    assert shown.columns[-2:].tolist() == ["sources", "project id"]
    assert shown.iloc[0]["project id"] == "p1"
    by_topic = projects_view.projects_listed_by_several(model, CYBERCRIME)
    assert "topics" in by_topic.columns  # the column the filter acted on
    assert projects_view.projects_listed_by_several(model, ALL) is shown
    assert projects_view.projects_listed_by_several(model, Filters(users=("civil_society",))).empty


def test_listings_count_only_the_mappings_that_pass_the_filters(model, data_copy):
    """p1 is listed by alpha (knowledge portal) and beta (project database): filtered to
    project databases, only beta's listing counts; beta made a related effort, its listing
    counts only when related efforts are switched in."""
    portals = Filters(kinds=("project_database",))
    assert projects_view.projects_listed_by_several(model, portals).empty
    assert projects_view.projects_sentence(model, portals).startswith("0 of 4 projects are")
    p1 = model.filtered_projects(portals).set_index("project_id").loc["p1"]
    assert p1["listed_in"] == ("beta",)
    assert model.inventory.projects.set_index("project_id").loc["p1", "listed_in"] == (
        "alpha",
        "beta",
    )  # the inventory keeps every listing
    path = data_copy / "mappings.yaml"
    text = path.read_text(encoding="utf-8")
    beta = text.index("kind: project_database")
    path.write_text(
        text[:beta] + text[beta:].replace("role: mapping", "role: related", 1), encoding="utf-8"
    )
    related = build_model(data_copy)
    assert projects_view.projects_listed_by_several(related, ALL).empty
    shown = projects_view.projects_listed_by_several(related, Filters(include=("related",)))
    assert shown["title"].tolist() == ["Kenya Cybercrime Training"]
    assert shown.iloc[0]["mappings listing it"] == 2


def _clusters(model, calls: list) -> pd.DataFrame:
    """The duplicate check on the fixture's projects, with p1 and p4 made one group."""
    checked = projects_module.clusters(model.inventory.projects, None)
    calls.append(1)
    together = checked["project_id"].isin(["p1", "p4"])
    return checked.assign(
        cluster_id=checked["cluster_id"].where(~together, "c-p1"),
        cluster_size=checked["cluster_size"].where(~together, 2),
        score=checked["score"].where(~together, 0.9),
    )


def test_projects_duplicate_check(model):
    calls: list = []
    check = projects_view.projects_duplicate_check(
        model, CYBERCRIME, lambda: _clusters(model, calls)
    )
    assert list(check.checked.index) == ["p1", "p4"]  # the projects that pass
    assert check.groups["project_id"].tolist() == ["p1", "p4"]
    assert list(check.group_rows.columns) == ["group", "name", "probability", "evidence", "id"]
    assert set(check.group_rows["group"]) == {1}  # numbered, not the cluster's id
    assert check.group_rows["name"].tolist() == ["Kenya Cybercrime Training", "Nigeria Cyber Law"]
    assert check.near.empty  # p2 and p3, the closest call, do not pass the filters
    assert "**1 group** of rows (2 rows) looks like one project each." in check.sentence
    again = projects_view.projects_duplicate_check(
        model, CYBERCRIME, lambda: _clusters(model, calls)
    )
    assert again is check
    assert calls == [1]  # the check on all projects is read only when not kept


def test_projects_duplicate_check_closest_calls(model):
    check = projects_view.projects_duplicate_check(model, ALL, lambda: _clusters(model, []))
    assert check.near["name"].tolist() == ["Pacific Skills", "Pacific Strategy Support"]
    assert check.near["closest to"].tolist() == ["Pacific Strategy Support", "Pacific Skills"]
    nearest = check.near["probability"]  # 0.32 with the model of 2026-12-07
    assert nearest.nunique() == 1 and 0 < nearest.iloc[0] < dedupe.model().threshold
    assert set(check.near["why apart"]) == {projects_view.APART_LOW}
    assert list(check.near.columns) == [
        "name",
        "closest to",
        "probability",
        "why apart",
        "evidence",
        "id",
        "closest id",
    ]  # titles first, ids last
    assert check.near["id"].tolist() == ["p2", "p3"]  # each the other's nearest
    assert "No two rows" not in check.sentence  # p1 and p4 are made one group here


GLACY = (  # the evidence of GLACY+ and of GLACY, as the check on the inventory writes it
    "alone; nearest glacy-e: 1.00; names 'GLACY+ (Global Action on Cybercrime Extended)' ~ "
    "'Global Action on Cybercrime Enhanced (GLACY-e)' (1.00); for: the same name; kept apart: "
    "'GLACY+ (Global Action on Cybercrime Extended)' [+ extended] vs 'Global Action on "
    "Cybercrime Enhanced (GLACY-e)' [e enhanced]",
    "alone; nearest glacy-e: 1.00; names 'Global Action on Cybercrime Enhanced (GLACY-e)' ~ "
    "'Global Action on Cybercrime (GLACY)' (1.00); for: the same name; held back: a phase "
    "marked on one side only: 'Global Action on Cybercrime Enhanced (GLACY-e)' [e enhanced] vs "
    "'Global Action on Cybercrime (GLACY)' [none]",
)


@pytest.mark.parametrize(
    ("evidence", "p", "partner", "why"),
    [
        (GLACY[0], 1.0, "glacy-e", projects_view.APART_PHASES),  # a veto, whatever p
        (GLACY[0], 0.5, "glacy-e", projects_view.APART_PHASES),
        (GLACY[1], 1.0, "glacy-e", projects_view.APART_ONE_SIDED),  # held back, p = 1
        (GLACY[1], 0.5, "glacy-e", projects_view.APART_LOW),  # below the threshold anyway
        (
            "alone; nearest x: 0.20; names 'A' ~ 'B' (0.5) | reviewed: different from x (...)",
            0.2,
            "x",
            projects_view.APART_REVIEWED,
        ),
        (
            "alone; nearest y: 0.20; names 'A' ~ 'B' (0.5) | reviewed: different from x (...)",
            0.2,
            "y",  # the reviewed pair is another one
            projects_view.APART_LOW,
        ),
        (
            "1.00; names 'A' ~ 'B' (1.00); kept apart: cybil:G0583 vs cybil:G0584",
            1.0,
            "",
            projects_view.APART_CODES,
        ),
        ("0.95; names 'A' ~ 'A' (1.00); for: the same name", 0.95, "", projects_view.SAME),
    ],
)
def test_pair_reason_one_label_per_pair(evidence, p, partner, why):
    assert projects_view.pair_reason(evidence, p, 0.887, partner) == why


def test_duplicate_check_sentence_counts_the_closest_calls_by_reason():
    near = pd.DataFrame(
        {
            "probability": [1.0, 1.0, 0.99, 0.5],
            "why apart": [
                projects_view.APART_PHASES,
                projects_view.APART_ONE_SIDED,
                projects_view.APART_ONE_SIDED,
                projects_view.APART_LOW,
            ],
        }
    )
    groups = pd.DataFrame({"cluster_id": []})
    said = projects_view._check_said(388, groups, near, 0.887)
    assert said == (
        "The duplicate check compared 388 project rows by names, aliases, funders, "
        "implementers, countries and years. **No two rows** are put together as one project. "
        "3 rows have a closest call at or above the threshold of 0.89 that is kept apart: 2 "
        "because one name marks a phase the other lacks and they start in other years; 1 as "
        "different phases or editions."
    )


def test_queue_table_says_what_the_closest_calls_say():
    pairs = pd.DataFrame(
        {
            "pair": ["list:glacy|glacy-e", "list:a|b"],
            "score": [0.997, 0.95],
            "verdict": ["review", "same"],
            "title": ["Global Action on Cybercrime (GLACY)", "A"],
            "candidate_title": ["Global Action on Cybercrime Enhanced (GLACY-e)", "A."],
            "candidate_from": ["list", "list"],
            "evidence": ["1.00; " + GLACY[1].split("; ", 2)[2], "0.95; names"],
            "project_id": ["glacy", "a"],
            "candidate_id": ["glacy-e", "b"],
        }
    )
    table = projects_view.queue_table(pairs, {})
    assert table["model says"].tolist() == [projects_view.APART_ONE_SIDED, projects_view.SAME]
    assert table.columns[-2:].tolist() == ["id", "candidate id"]


def test_projects_flows(model):
    flows, sankey, sentence = projects_view.projects_flows(model, ALL, "funders")
    assert flows.values.tolist() == [["Donor A", "Africa", 2], ["Donor B", "Oceania", 2]]
    assert sankey.layout.title.text == (
        "Projects from funding governments or organisations to UN regions"
    )
    assert sentence == (
        "Donor A and Donor B have the widest bands (2 projects each, counted once per region "
        "they reach); Africa and Oceania receive the most (2 each)."
    )
    assert projects_view.projects_flows(model, ALL, "funders").figure is sankey
    by_implementers = projects_view.projects_flows(model, ALL, "implementers").table
    assert by_implementers["implementer"].tolist() == ["Implementer X", "Implementer Y"]
    assert "as written" not in by_implementers.columns
    assert flows.columns.tolist() == ["funder", "UN region", "projects"]  # no alias table
    none = projects_view.projects_flows(model, Filters(regions=("m49_019",)), "funders")
    assert none.figure is None
    assert none.sentence == "No project with a known funder and region matches the filters."


def test_projects_flows_group_a_funder_by_the_alias_table(data_copy):
    """p2 and p3 are funded by Donor B; written as 'Donor B Agency' on p3 and listed as an
    alias of Donor B, both count under Donor B, the name as written kept in hover and
    download."""
    path = data_copy / "projects.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    p3 = next(i for i, line in enumerate(text) if line.startswith("p3,"))
    text[p3] = text[p3].replace("Donor B", "Donor B Agency", 1)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    before = projects_view.projects_flows(build_model(data_copy), ALL, "funders").table
    assert set(before["funder"]) == {"Donor A", "Donor B", "Donor B Agency"}  # split
    (data_copy / "funder_aliases.csv").write_text(
        "alias,funder,note,source_url\nDonor B Agency,Donor B,its agency,\n", encoding="utf-8"
    )
    (data_copy / "funder_aliases.meta.yaml").write_text(
        "producer: t\ntitle: t\nurl_main: https://example.org\ndate_accessed: '2026-12-07'\n"
        "licence: CC0-1.0\n",
        encoding="utf-8",
    )
    model = build_model(data_copy)
    assert model.inventory.report.ok
    flows, sankey, sentence = projects_view.projects_flows(model, ALL, "funders")
    assert flows.values.tolist() == [
        ["Donor A", "Africa", 2, ""],
        ["Donor B", "Oceania", 2, "Donor B Agency"],
    ]
    assert list(sankey.data[0].node.customdata)[:2] == ["Donor A", "Donor B (incl. Donor B Agency)"]
    assert sentence.startswith("Donor A and Donor B have the widest bands (2 projects each")


# Coverage map ----------------------------------------------------------------------------


def test_map_summary(model):
    kept = coverage_map_view.map_summary(model, ALL)
    assert len(kept.coverage) == 10  # alpha 5 countries, beta 2, gamma 3
    summary = kept.summary.set_index("iso3")
    assert summary["mappings"].to_dict() == {"BRA": 1, "FJI": 2, "KEN": 3, "NGA": 2, "TON": 2}
    assert summary["regional mappings"].to_dict() == {
        "BRA": 0,
        "FJI": 1,
        "KEN": 2,
        "NGA": 1,
        "TON": 1,
    }
    assert summary["projects"].to_dict() == {"BRA": 0, "FJI": 1, "KEN": 1, "NGA": 1, "TON": 1}
    assert kept.counts == takeaways.MappingCounts(
        total=3,
        global_full=1,
        regional=2,
        unknown=0,
        derived=("Pacific Islands Forum and Kenya",),  # gamma: its scope groups and countries
    )
    assert coverage_map_view.map_summary(model, ALL) is kept
    only_beta = coverage_map_view.map_summary(model, Filters(users=("law_enforcement_judiciary",)))
    assert set(only_beta.coverage["mapping_id"]) == {"beta"}


@pytest.mark.parametrize(
    ("measure", "chosen", "sentence"),
    [
        (
            "regional",
            (),
            "2 regional or national mappings cover 4 of the 5 UN member states; Kenya is "
            "covered by 2, the most. For 1 of the 2 coverage is derived from their scope, not "
            "stated: Pacific Islands Forum and Kenya. 1 global mapping covers all 5.",
        ),
        (
            "projects",
            (),
            "4 projects of the inventory name 4 of the 5 UN member states as beneficiaries; 4 "
            "are named by 1, the most (Fiji, Kenya, Nigeria and 1 more); 1 by none, e.g. Brazil.",
        ),
        (
            "mappings",
            (),
            "The 5 UN member states are covered by 1 to 3 of the 3 mappings: 1 global mapping "
            "that covers every UN member state, plus 2 regional or national ones. For 1 of the "
            "2 coverage is derived from their scope, not stated: Pacific Islands Forum and "
            "Kenya.",
        ),
        (
            "mappings",
            ("beta", "gamma"),
            "The 2 chosen mappings cover 4 of the 5 UN member states; 1 is covered by both. "
            "For 1 of the 2 coverage is derived from their scope, not stated: Pacific Islands "
            "Forum and Kenya.",
        ),
        (  # the footprint colours the default colouring too (it did nothing there)
            "regional",
            ("gamma",),
            "The chosen mapping (Gamma Index) covers 3 of the 5 UN member states. Its coverage "
            "is derived from its scope (Pacific Islands Forum and Kenya), not stated.",
        ),
        (  # not under projects: a footprint is a mapping's
            "projects",
            ("gamma",),
            "4 projects of the inventory name 4 of the 5 UN member states as beneficiaries; 4 "
            "are named by 1, the most (Fiji, Kenya, Nigeria and 1 more); 1 by none, e.g. Brazil.",
        ),
    ],
)
def test_map_sentence_follows_the_measure(model, measure, chosen, sentence):
    answer = coverage_map_view.map_answer(model, ALL, measure, chosen)
    assert answer.text == sentence
    view = coverage_map_view.map_view(model, ALL, measure, chosen, None)
    assert _map_values(view) == answer.values.to_dict()  # the sentence speaks of the colours


def test_map_hover_says_where_coverage_is_derived_from_a_scope(model):
    """Gamma's countries (PIF and Kenya) are derived from its scope; Beta states its list."""
    view = coverage_map_view.map_view(model, ALL, "regional", (), None)
    spec = json.loads(view.deck.to_json())
    assert spec["views"] and "{note}" in view.deck._tooltip["text"]
    notes = {row["iso3"]: row["note"] for layer in spec["layers"] for row in layer["data"]}
    derived = "derived from its scope, not stated:\nPacific Islands Forum and Kenya"
    assert notes["FJI"] == notes["TON"] == f"\n{derived}"  # gamma alone
    assert notes["KEN"] == (  # beta (stated) and gamma (derived)
        "\n1 of them derived from their scope, not stated:\nPacific Islands Forum and Kenya"
    )
    assert notes["NGA"] == notes["BRA"] == ""  # beta's stated list; no regional mapping
    # Under all mappings the global one counts too: it is derived from all UN members.
    every = coverage_map_view.map_answer(model, ALL, "mappings").notes
    assert every["NGA"] == "1 of them derived from their scope, not stated:\nUN member states"
    assert coverage_map_view.map_answer(model, ALL, "projects").notes.eq("").all()


def test_footprint_applies_under_every_colouring_by_mappings():
    assert coverage_map_view.footprint_applies("regional")
    assert coverage_map_view.footprint_applies("mappings")
    assert not coverage_map_view.footprint_applies("projects")


def _map_values(view: coverage_map_view.MapView) -> dict[str, int]:
    """Each country's value on the map (polygons, and circles for small states)."""
    layers = json.loads(view.deck.to_json())["layers"]
    return {row["iso3"]: row["value"] for layer in layers for row in layer["data"]}


@pytest.mark.parametrize(
    ("measure", "chosen", "label", "values"),
    [
        ("mappings", (), "mappings covering", {"BRA": 1, "FJI": 2, "KEN": 3, "NGA": 2, "TON": 2}),
        (
            "mappings",
            ("beta",),
            "selected mappings covering",
            {"BRA": 0, "FJI": 0, "KEN": 1, "NGA": 1, "TON": 0},
        ),
        (
            "regional",
            (),
            "regional or national mappings covering",
            {"BRA": 0, "FJI": 1, "KEN": 2, "NGA": 1, "TON": 1},
        ),
        (  # the mappings chosen colour the default colouring too
            "regional",
            ("beta",),
            "selected mappings covering",
            {"BRA": 0, "FJI": 0, "KEN": 1, "NGA": 1, "TON": 0},
        ),
        (  # but not the projects: a footprint is a mapping's
            "projects",
            ("beta",),
            "projects naming it",
            {"BRA": 0, "FJI": 1, "KEN": 1, "NGA": 1, "TON": 1},
        ),
    ],
)
def test_map_view_measures(model, measure, chosen, label, values):
    view = coverage_map_view.map_view(model, ALL, measure, chosen, None)
    assert view.label == label
    assert f">{label}</div>" in view.legend
    assert _map_values(view) == values
    assert (
        coverage_map_view.map_view(model, ALL, measure, list(chosen), None) is view
    )  # kept as a tuple


def test_map_view_per_selected_country(model):
    plain = coverage_map_view.map_view(model, ALL, "mappings", (), None)
    assert coverage_map_view.map_view(model, ALL, "mappings", (), "KEN") is not plain
    assert ("map_view", ALL, "mappings", (), "KEN") in memo_keys(model)


def test_map_country_names(model):
    names = coverage_map_view.map_country_names(model)
    assert list(names) == ["BRA", "FJI", "KEN", "NGA", "TON"]  # in order of name
    assert names["KEN"] == "Kenya" and names["TON"] == "Tonga"
    assert coverage_map_view.map_country_names(model) is names


def test_map_panel(model):
    kenya = coverage_map_view.map_panel(model, ALL, "KEN")
    # regional or national ones first, then the global ones
    assert kenya.mappings["name"].tolist() == ["Beta Database", "Gamma Index", "Alpha Portal"]
    assert kenya.mappings["reach"].tolist() == ["regional or national"] * 2 + ["global"]
    assert list(kenya.mappings.columns) == [
        "name",
        "reach",
        "coverage of this country",
        "kind",
        "scope",
    ]
    # Beta lists its countries; Gamma's Kenya comes from its scope (PIF and Kenya).
    assert kenya.mappings["coverage of this country"].tolist() == [
        "stated",
        "derived from its scope (Pacific Islands Forum and Kenya)",
        "derived from its scope (UN member states)",  # group names short: no "(fixture)"
    ]
    assert kenya.sentence == (
        "Covered by 2 regional or national mappings (1 of them derived from their scope: "
        "Pacific Islands Forum and Kenya) and 1 global; named by 1 project of the "
        "inventory. Need: GCI 2024 tier 1 (role-modelling), ODA-eligible."
    )
    assert kenya.projects["project id"].tolist() == ["p1"]
    assert kenya.shown_projects.columns.tolist() == [
        "title",
        "topics",
        "funders",
        "start",
        "end",
        "listed in",
    ]
    assert coverage_map_view.map_panel(model, ALL, "KEN") is kenya
    brazil = coverage_map_view.map_panel(model, ALL, "BRA")
    assert brazil.mappings["name"].tolist() == ["Alpha Portal"]
    assert brazil.projects.empty


# Home ------------------------------------------------------------------------------------


def test_home_headline(model):
    headline = home_view.home_headline(model, ALL)
    assert headline.numbers == [3, 4, 5, 1]  # mappings, projects, UN members covered, links
    assert headline.un_members == 5  # the fixture's UN member states
    assert headline.shown == ["3", "4", "5 of 5", "1"]
    # The sentence names the first row of the kinds table (ties by label).
    assert headline.sentence == (
        "3 active mappings, run by 3 organisations; the most common kind is index or "
        "ranking (1 of 3)."
    )
    assert "Shown apart" not in headline.apart  # nothing is left out in the fixture
    assert "4 of the 4 projects are listed by a counted mapping" in headline.apart
    assert home_view.home_headline(model, ALL) is headline
    assert home_view.home_headline(model, CYBERCRIME).numbers == [2, 2, 5, 1]  # p1, p4
    assert home_view.home_headline(model, Filters(users=("civil_society",))).numbers == [1, 1, 3, 0]


def test_home_countries_are_unknown_when_no_mapping_places_them(data_copy):
    """Gamma made a stated count (90, no list): filtered to it, no country is placed, so the
    number reads "unknown" (not 0) and the caption gives the stated count."""
    path = data_copy / "mappings.yaml"
    text = path.read_text(encoding="utf-8")
    gamma = text.index("id: gamma")
    path.write_text(
        text[:gamma]
        + text[gamma:].replace(
            "coverage_basis: derived\n    countries_stated: null",
            "coverage_basis: stated_count\n    countries_stated: 90\n"
            "    coverage_url: https://example.org/gamma/count\n    coverage_as_of: '2025-01-01'",
            1,
        ),
        encoding="utf-8",
    )
    counted = build_model(data_copy)
    assert counted.inventory.report.errors == []
    indices = home_view.home_headline(counted, Filters(kinds=("index_or_ranking",)))
    assert indices.numbers[2] == 0 and indices.shown[2] == "unknown"
    assert "1 mapping states only how many countries it covers (Gamma Index 90)" in indices.apart
    every = home_view.home_headline(counted, ALL)
    assert every.shown[2] == f"{every.numbers[2]} of 5" and every.numbers[2] > 0


RELATED_AND_ARCHIVED = """
  - id: delta
    name: Delta Fund
    owners: [Delta Bank]
    url: null
    kind: project_database
    role: related
    related_kind: fund
    status: active
    scope: African Union
    scope_groups: [au]
    coverage_basis: stated_count
    countries_stated: 1
    coverage_url: https://example.org/delta/results
    coverage_as_of: "2024"
    topics: [cybercrime]
    target_users: [governments_policymakers]
    sources: [https://example.org/delta]
    confidence: medium
  - id: epsilon
    name: Epsilon Inventory
    owners: [Epsilon Lab]
    url: null
    kind: project_database
    role: mapping
    status: archived
    end_year: 2019
    scope: Pacific
    scope_groups: [pif]
    coverage_basis: derived
    topics: [culture_skills]
    target_users: [civil_society]
    sources: [https://example.org/epsilon]
    confidence: low
"""


def test_home_counts_active_mappings_and_shows_the_others_apart(data_copy):
    path = data_copy / "mappings.yaml"
    path.write_text(path.read_text() + RELATED_AND_ARCHIVED)
    wider = build_model(data_copy)
    assert wider.inventory.report.ok, wider.inventory.report.text()
    headline = home_view.home_headline(wider, ALL)
    assert headline.numbers[0] == 3  # only the active mappings count
    assert headline.apart.startswith(
        "Shown apart: 1 archived mapping; 1 related effort (project portfolios, hubs, funds"
    )
    both = Filters(include=("archived", "related"))
    counted = home_view.home_headline(wider, both)
    assert counted.numbers[0] == 5
    assert counted.sentence.startswith("5 active mappings and archived mappings and related")
    assert "Shown apart" not in counted.apart
    assert "1 mapping states only how many countries" in counted.apart  # the fund's count


def test_home_kinds(model):
    shown, download = home_view.home_kinds(model, CYBERCRIME)
    assert shown.values.tolist() == [["Knowledge portal", 1], ["Project database", 1]]
    assert download.values.tolist() == [
        ["Knowledge portal", 1, "knowledge_portal"],
        ["Project database", 1, "project_database"],
    ]
    assert list(download.columns) == ["kind", "mappings", "kind id"]
    assert home_view.home_kinds(model, CYBERCRIME)[0] is shown


def test_home_table(model):
    shown = home_view.home_table(model, CYBERCRIME)
    assert list(shown.columns) == home_view.HOME_COLUMNS
    assert shown["name"].tolist() == ["Alpha Portal", "Beta Database"]
    assert home_view.home_table(model, CYBERCRIME) is shown


# Explore ---------------------------------------------------------------------------------


def test_explore_rows_search_and_columns(model):
    rows = explore_view.explore_rows(model, ALL, "mappings", "database", ["name", "kind"])
    assert rows.values.tolist() == [["Beta Database", "Project database"]]
    assert explore_view.explore_rows(model, ALL, "mappings", "database", ("name", "kind")) is rows
    key = ("explore", ALL, "mappings", "database", ("name", "kind"))
    assert key in memo_keys(model)


def test_explore_rows_of_projects_follow_the_filters(model):
    every = explore_view.explore_rows(model, ALL, "projects", "", ["title"])
    assert every["title"].tolist() == [
        "Kenya Cybercrime Training",
        "Pacific Skills",
        "Pacific Strategy Support",
        "Nigeria Cyber Law",
    ]
    pacific = explore_view.explore_rows(model, CYBERCRIME, "projects", "pacific", ["title"])
    assert pacific.empty  # the Pacific projects are not on cybercrime
    kenya = explore_view.explore_rows(model, CYBERCRIME, "projects", "kenya", ["title"])
    assert kenya.columns.tolist() == ["title", "topics"]  # and what the topic filter acted on


def test_explore_comparison(model):
    side = explore_view.explore_comparison(model, ["gamma", "alpha"])
    assert list(side.columns) == ["Alpha Portal", "Gamma Index"]  # in inventory order
    assert side.loc["mapping id"].tolist() == ["alpha", "gamma"] and "kind" in side.index
    assert side.loc["kind"].tolist() == ["Knowledge portal", "Index or ranking"]
    assert side.loc["launched", "Alpha Portal"] == "2019"  # as text


# Method ----------------------------------------------------------------------------------


def test_method_cited_pages(model):
    pages = method_view.method_cited_pages(model)
    assert len(pages) == 8  # three mappings, four projects, one link: one page each
    assert set(pages["site"]) == {"example.org"}
    assert "link:alpha-beta" in set(pages["cited by"])
    assert method_view.method_cited_pages(model) is pages


def test_method_terms_join_synonyms(model):
    terms = method_view.method_terms(model, "topics")
    assert terms.set_index("term id").loc["cybercrime", "synonyms"] == "cyber crime; e-evidence"
    assert terms.columns.tolist() == ["term", "definition", "synonyms", "term id"]
    assert method_view.method_terms(model, "topics") is terms
    assert method_view.method_terms(model, "link_kinds")["term id"].tolist() == [
        "data_sharing",
        "cross_listing",
    ]


def test_method_report_rows(model, data_copy):
    assert method_view.method_report_rows(model).empty  # the fixture is clean
    projects = data_copy / "projects.csv"
    projects.write_text(
        projects.read_text(encoding="utf-8").replace("FJI;TON", "FJI;Tonga", 1), encoding="utf-8"
    )
    broken = build_model(data_copy)
    rows = method_view.method_report_rows(broken)
    assert any("unknown iso3 'Tonga'" in m for m in rows["message"])
    assert method_view.method_report_rows(broken) is rows


def test_method_full_inventory_without_source_rows(model):
    full = method_view.method_full_inventory(model)
    assert {name: len(frame) for name, frame in full.items()} == {
        "mappings": 3,
        "projects": 4,
        "cooperation links": 1,
    }
    assert not any("source_row" in frame.columns for frame in full.values())
    assert "source_row" in model.inventory.mappings.columns  # the inventory is left alone


def test_sources_markdown_links_each_source_as_an_autolink():
    assert cooperation_view.sources_markdown(["https://example.org/coop"]) == (
        "Source: <https://example.org/coop>"
    )
    two = cooperation_view.sources_markdown(["https://a.org/x y", "https://b.org/p?q=1&r=(2)"])
    assert two == "Sources: <https://a.org/x%20y>, <https://b.org/p?q=1&r=(2)>"
    assert (
        cooperation_view.sources_markdown(["https://a.org/<b>"])
        == "Source: <https://a.org/%3Cb%3E>"
    )
    assert cooperation_view.sources_markdown([]) == "Sources: none recorded."


def test_gap_context_sources_lists_each_group_with_its_source(model):
    text = gaps_view.gap_context_sources(model)
    lines = text.splitlines()
    assert lines[1] == (
        "- Least developed countries (fixture): 1 countries, as of 2025 "
        "([source](<https://example.org/ldc>))"
    )
    assert "- High income (World Bank): not in the data" in lines
    assert lines[-1].startswith("- ITU Global Cybersecurity Index 2024: a tier for 4 countries")
    assert len(lines) == len(gaps_view.gap_context(model)) + 1  # and the GCI
    assert gaps_view.gap_context_sources(model) is text


# Projects: check a list ------------------------------------------------------------------


def _no_progress(seconds, state):
    pass


def test_projects_check_list_matches_known_names_and_repeats(model):
    raw = b"title\nKCT\nKenya Cybercrime Training\nSomething else entirely\n"
    check = projects_view.projects_check_list(model, raw, "theirs.csv", _no_progress)
    assert check.errors == []
    rows = check.rows.set_index("project_id")
    assert list(rows.index) == ["row 2", "row 3", "row 4"]
    assert rows.loc["row 2", "inventory_project"] == "p1"  # by the alias KCT
    assert rows.loc["row 3", "inventory_project"] == "p1"
    assert rows.loc["row 4", "inventory_project"] == ""
    assert rows.loc["row 2", "same_as_rows"] == "row 3"
    assert (check.known, check.repeated) == (2, 2)
    assert projects_view.projects_check_list(model, raw, "theirs.csv", _no_progress) is check
    assert set(check.queue["project_id"]) <= {"row 2", "row 3", "row 4"}  # its review queue
    assert not check.queue.empty


def test_projects_check_list_names_the_file_and_column(model):
    check = projects_view.projects_check_list(model, b"name\nKCT\n", "wrong.csv", _no_progress)
    assert "wrong.csv: missing required column 'title'" in check.errors[0]
    raw = b"project_id,title\na,KCT\na,X\n"
    check = projects_view.projects_check_list(model, raw, "dup.csv", _no_progress)
    assert "dup.csv, rows 2, 3, field 'project_id': duplicate project_id 'a'" in check.errors[0]


def test_gap_map_for_any_need_names_its_classes_so(model):
    gap_map = gaps_view.gap_map(model, ALL, gaps.GapQuestion(need="any"))
    values = _map_values(gap_map)
    assert values["FJI"] == values["BRA"] == "thin support, any GCI tier"
    assert values["KEN"] == "more support"
    assert "high need" not in gap_map.legend and "high need" not in gap_map.sentence
    assert gap_map.sentence.endswith("whatever their GCI tier.")


def test_projects_review_queue_keeps_pairs_that_touch_the_filters(model):
    every = projects_module.inventory_queue(model.inventory.projects, None, 5)
    assert set(every["pair"]) == {"list:p2|p3", "list:p1|p4", "list:p1|p3"}  # by 3-grams
    calls = []
    shown = projects_view.projects_review_queue(model, CYBERCRIME, lambda: calls.append(1) or every)
    assert set(shown["pair"]) == {"list:p1|p4", "list:p1|p3"}  # p1 and p4 pass
    projects_view.projects_review_queue(model, CYBERCRIME, lambda: calls.append(1) or every)
    assert calls == [1]
    table = projects_view.queue_table(shown, {"list:p1|p4": ("same", "")})
    assert list(table.columns) == ["probability", "model says", "your decision", "name",
                                   "candidate", "evidence", "id", "candidate id"]  # fmt: skip
    decided = table[table["your decision"] != ""]
    assert decided[["id", "candidate id", "your decision"]].values.tolist() == [
        ["p1", "p4", "same"]
    ]


def test_map_hover_names_at_most_three_scopes(model):
    """A country reached by five mappings' scopes: the hover names three, then how many
    more (with 1,000 mappings the full lists made the map's message 800 KB)."""
    ids = ["m1", "m2", "m3", "m4", "m5"]  # not in the model: each its own scope word
    cov = pd.DataFrame({"iso3": ["KEN"] * 5, "mapping_id": ids, "basis": ["derived"] * 5})
    notes = coverage_map_view.derived_notes(model, cov, pd.Series({"KEN": 5, "FJI": 0}))
    assert notes["KEN"] == "all 5 derived from their scope, not stated:\nm1; m2; m3 and 2 more"
    assert notes["FJI"] == ""
