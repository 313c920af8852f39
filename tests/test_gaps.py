"""Need and gaps (cbdash.analysis.need, cbdash.analysis.gaps) on tiny hand-written tables
and on the fixture: the ranking of high need against thin support, with unknown tiers kept
apart and high-income countries never ranked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbdash.analysis import gaps, need, regions
from cbdash.analysis.model import Model, build_model
from tests.conftest import FIXTURE_DIR


@pytest.fixture(scope="module")
def model() -> Model:
    return build_model(FIXTURE_DIR)


def _support(rows: list[tuple]) -> pd.DataFrame:
    """A support table by hand: (iso3, tier or None, projects, mappings, income, ldc)."""
    table = pd.DataFrame(
        rows, columns=["iso3", "gci_tier", "projects", "mappings", "income", "ldc"]
    )
    table["name"] = table["iso3"]
    table["gci_tier"] = pd.array(table["gci_tier"].tolist(), dtype="Int64")
    return table


# A tier 5, nothing; B tier 4, high income; C tier unknown; D tier 2; E tier 5 with 3
# projects (more than the limit); F tier 4, least developed; G tier 4, 2 mappings.
SUPPORT = [
    ("A", 5, 0, 0, "wb_low", False),
    ("B", 4, 1, 1, "wb_high", False),
    ("C", None, 0, 0, "wb_low", True),
    ("D", 2, 0, 0, "wb_lower_middle", False),
    ("E", 5, 3, 0, "wb_low", True),
    ("F", 4, 0, 0, "wb_low", True),
    ("G", 4, 0, 2, "wb_low", False),
]


@pytest.mark.parametrize(
    ("question", "ranked", "statuses"),
    [
        (
            {},  # tier 4-5, at most 2 projects and 1 mapping
            ["A", "F"],  # tier 5 before 4 at equal support
            {
                "B": "high income",
                "C": "unknown tier",
                "D": "lower need",
                "E": "more support",
                "G": "more support",
            },
        ),
        ({"need": "gci5"}, ["A"], {"F": "lower need", "C": "unknown tier"}),
        ({"need": "gci345"}, ["A", "F"], {"D": "lower need"}),
        # every tier, known or not, high income too: by support, then tier, then LDC
        ({"need": "any"}, ["A", "F", "D", "C", "B"], {"E": "more support"}),
        ({"max_projects": 3}, ["A", "F", "E"], {}),  # E: 3 projects, ranked after 0s
        ({"max_mappings": 2}, ["A", "F", "G"], {}),
        ({"max_projects": 0, "max_mappings": 0}, ["A", "F"], {"B": "more support"}),
    ],
)
def test_answer_ranks_high_need_and_thin_support(question, ranked, statuses):
    got = gaps.answer(gaps.GapQuestion(**question), _support(SUPPORT))
    assert got.loc[got["status"] == gaps.RANKED, "iso3"].tolist() == ranked
    assert got["rank"].dropna().tolist() == list(range(1, len(ranked) + 1))
    status = got.set_index("iso3")["status"]
    for iso3, expected in statuses.items():
        assert status[iso3] == expected, iso3


def test_answer_never_ranks_an_unknown_tier_or_a_high_income_country():
    got = gaps.answer(gaps.GapQuestion(), _support(SUPPORT)).set_index("iso3")
    assert got.loc["C", "thin"] and got.loc["C", "status"] == gaps.UNKNOWN
    assert pd.isna(got.loc["C", "rank"])
    assert got.loc["B", "thin"] and got.loc["B", "status"] == gaps.HIGH_INCOME


def test_answer_of_no_country():
    got = gaps.answer(gaps.GapQuestion(), _support([]))
    assert got.empty and "status" in got and "rank" in got


def test_need_table_of_the_fixture(model):
    inv = model.inventory
    table = need.need_table(model.countries, inv.country_groups, inv.gci).set_index("iso3")
    assert table["gci_tier"].isna().to_dict() == {
        "BRA": False,
        "FJI": True,  # no row: unknown, not a guess
        "KEN": False,
        "NGA": False,
        "TON": False,
    }
    assert table["gci_tier"].dropna().to_dict() == {"BRA": 1, "KEN": 1, "NGA": 4, "TON": 5}
    assert table.loc["KEN", "gci_score"] == 98.59
    assert np.isnan(table.loc["TON", "gci_score"])
    assert table["oda"].all() and table["state"].all()
    assert table.loc[table["sids"]].index.tolist() == ["FJI", "TON"]
    assert table.loc[table["ldc"]].index.tolist() == ["TON"]
    assert set(table["income"]) == {""}  # no income groups in the fixture


@pytest.mark.parametrize(
    ("tier", "label", "cell"),
    [
        (5, "GCI 2024 tier 5 (building)", "5 (building)"),
        (1, "GCI 2024 tier 1 (role-modelling)", "1 (role-modelling)"),
        (pd.NA, "GCI tier unknown", "unknown"),
        (None, "GCI tier unknown", "unknown"),
    ],
)
def test_tier_words(tier, label, cell):
    assert need.tier_label(tier) == label
    assert need.tier_cell(tier) == cell


def test_high_need_leaves_out_unknown_and_high_income():
    table = _support(SUPPORT)
    assert table.loc[need.high_need(table, "gci45"), "iso3"].tolist() == ["A", "E", "F", "G"]
    assert need.high_need(table, "any").all()


def test_population_is_states_of_the_group(model):
    table = need.need_table(model.countries, model.inventory.country_groups, model.inventory.gci)
    cg = model.inventory.country_groups
    assert gaps.population(table, cg, "sids") == {"FJI", "TON"}
    assert gaps.population(table, cg, "all") == {"BRA", "FJI", "KEN", "NGA", "TON"}
    assert gaps.population(table, cg, "no_such_group") == set()
    # a territory is no state: left out even when the group lists it
    extra = pd.concat([cg, pd.DataFrame({"group_id": ["sids"], "iso3": ["ABW"]})])
    with_territory = pd.concat(
        [table, pd.DataFrame({"iso3": ["ABW"], "name": ["Aruba"], "state": [False]})]
    )
    assert gaps.population(with_territory, extra, "sids") == {"FJI", "TON"}


def test_country_subregions_split_only_wholly_divided_subregions(model):
    inv = model.inventory
    got = regions.country_subregions(inv.groups, inv.country_groups)
    assert got.set_index("iso3")["region"].to_dict() == {
        "BRA": "South America",  # Latin America and the Caribbean, divided
        "FJI": "Melanesia",
        "KEN": "Eastern Africa",  # Sub-Saharan Africa, divided
        "NGA": "Western Africa",
        "TON": "Polynesia",
    }
    # A sub-region of which only part is an intermediate region is kept whole.
    groups = pd.DataFrame(
        {
            "group_id": ["s", "i"],
            "name": ["Northern Europe", "Channel Islands"],
            "group_type": ["m49_subregion", "m49_intermediate"],
            "parent_id": [None, "s"],
            "source_url": ["x", "x"],
            "as_of": ["", ""],
        }
    )
    members = pd.DataFrame({"group_id": ["s", "s", "i"], "iso3": ["GBR", "JEY", "JEY"]})
    assert regions.country_subregions(groups, members)["region"].tolist() == [
        "Northern Europe",
        "Northern Europe",
    ]


def test_project_reach_counts_projects_per_region_and_topic_by_hand():
    projects = pd.DataFrame(
        {"project_id": ["a", "b", "c", "g"], "topics": [("t1", "t2"), ("t2",), (), ("t1",)]}
    )
    reach = pd.DataFrame(
        {
            "project_id": ["a", "a", "b", "c", "x", "g", "g", "g"],
            "iso3": ["K1", "K2", "K1", "K2", "K1", "K1", "K2", "K3"],
        }
    )
    region_of = pd.Series({"K1": "R1", "K2": "R2", "K3": "R2"})
    built = gaps.ProjectReach.build(reach, projects, everywhere={"K1", "K2", "K3"})
    assert built.global_rows.tolist() == [False, False, False, True]  # g reaches all
    every = built.region_topic(
        np.ones(4, dtype=bool), {"K1", "K2", "K3"}, region_of, ["R1", "R2"], ["t1", "t2", "t3"]
    )
    assert every.to_dict("index") == {  # x is not a project; g is global: both left out
        "R1": {"t1": 1, "t2": 2, "t3": 0},
        "R2": {"t1": 1, "t2": 1, "t3": 0},
    }
    only_k1 = built.region_topic(
        np.array([True, False, True, True]), {"K1"}, region_of, ["R1", "R2"], ["t1"]
    )
    assert only_k1.to_dict("index") == {"R1": {"t1": 1}, "R2": {"t1": 0}}


def test_empty_cells_in_the_matrix_order():
    matrix = pd.DataFrame([[0, 2], [1, 0]], index=["r2", "r1"], columns=["c2", "c1"])
    assert gaps.empty_cells(matrix).values.tolist() == [["r2", "c2", 0], ["r1", "c1", 0]]
