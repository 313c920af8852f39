"""Analyses on the fixture inventory; every expected number is counted by hand in the
fixture files (alpha: global; beta: AU = KEN, NGA; gamma: PIF = FJI, TON, plus KEN)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cbdash.analysis import coverage, gaps, need, overlap, regions, topics
from cbdash.analysis.membership import explode, membership_matrix, order_by_totals, seriate


@pytest.fixture(scope="module")
def cov(inventory):
    return coverage.coverage_table(inventory.mappings, inventory.country_groups)


def test_coverage_table_expands_groups_and_explicit_countries(cov):
    got = {m: set(g["iso3"]) for m, g in cov.groupby("mapping_id")}
    assert got == {
        "alpha": {"BRA", "FJI", "KEN", "NGA", "TON"},
        "beta": {"KEN", "NGA"},
        "gamma": {"FJI", "KEN", "TON"},
    }


@pytest.mark.parametrize(
    ("iso3", "expected"), [("KEN", 3), ("NGA", 2), ("FJI", 2), ("TON", 2), ("BRA", 1)]
)
def test_coverage_counts(cov, iso3, expected):
    assert coverage.coverage_counts(cov)[iso3] == expected


def test_coverage_counts_adds_uncovered_countries(cov):
    counts = coverage.coverage_counts(cov, pd.Series(["KEN", "ISL"]))
    assert counts.to_dict() == {"KEN": 3, "ISL": 0}


def test_project_counts(inventory):
    counts = coverage.project_counts(inventory.projects, pd.Series(["KEN", "FJI", "BRA"]))
    assert counts.to_dict() == {"KEN": 1, "FJI": 1, "BRA": 0}


def test_mapping_footprint(cov):
    assert coverage.mapping_footprint(cov, ["beta", "gamma"]).to_dict() == {
        "FJI": 1,
        "KEN": 2,
        "NGA": 1,
        "TON": 1,
    }


def test_country_panel(inventory, cov):
    assert list(coverage.country_mappings(cov, inventory.mappings, "NGA")["id"]) == [
        "alpha",
        "beta",
    ]
    assert list(coverage.country_projects(inventory.projects, "TON")["project_id"]) == ["p2"]


@pytest.mark.parametrize(
    ("metric", "pair", "expected"),
    [
        ("count", ("alpha", "beta"), 2),
        ("count", ("alpha", "gamma"), 3),
        ("count", ("beta", "gamma"), 1),
        ("count", ("gamma", "gamma"), 3),
        ("jaccard", ("alpha", "beta"), 0.4),
        ("jaccard", ("alpha", "gamma"), 0.6),
        ("jaccard", ("beta", "gamma"), 0.25),
        ("overlap", ("alpha", "beta"), 1.0),
        ("overlap", ("beta", "gamma"), 0.5),
    ],
)
def test_overlap_by_countries(cov, metric, pair, expected):
    m = membership_matrix(cov, "mapping_id", "iso3")
    assert overlap.overlap_matrix(m, metric).loc[pair] == pytest.approx(expected)


def test_overlap_by_topics_and_empty_sets_are_nan():
    long = pd.DataFrame({"m": ["a", "a", "b"], "t": ["x", "y", "x"]})
    m = membership_matrix(long, "m", "t", rows=["a", "b", "c"])
    jac = overlap.overlap_matrix(m, "jaccard")
    assert jac.loc["a", "b"] == 0.5
    assert jac.loc["a", "c"] == 0.0
    assert math.isnan(jac.loc["c", "c"])  # both empty: undefined
    assert math.isnan(overlap.overlap_matrix(m, "overlap").loc["a", "c"])  # min size 0


def test_overlap_rejects_unknown_metric():
    with pytest.raises(ValueError, match="metric must be one of"):
        overlap.overlap_matrix(pd.DataFrame([[True]]), "cosine")


def test_pair_detail_and_summary(cov):
    m = membership_matrix(cov, "mapping_id", "iso3")
    detail = overlap.pair_detail(m, "beta", "gamma")
    assert detail[["value", "status"]].values.tolist() == [
        ["KEN", "both"],
        ["NGA", "only beta"],
        ["FJI", "only gamma"],
        ["TON", "only gamma"],
    ]
    assert overlap.pair_summary(m, "beta", "gamma") == {"both": 1, "only_a": 1, "only_b": 2}


def test_pair_lists_as_markdown(cov):
    m = membership_matrix(cov, "mapping_id", "iso3")
    detail = overlap.pair_detail(m, "beta", "gamma").assign(name=lambda d: d["value"])
    lines = overlap.pair_lists(detail, "Beta *B*", "Gamma", limit=1).splitlines()
    assert lines == [
        "- **In both** (1): KEN",
        "- **Only in Beta \\*B\\*** (1): NGA",  # labels from the data are escaped
        "- **Only in Gamma** (2): FJI and 1 more (see the CSV)",
    ]


def test_top_pairs(cov):
    m = overlap.overlap_matrix(membership_matrix(cov, "mapping_id", "iso3"), "count")
    top = overlap.top_pairs(m, 2)
    assert top.values.tolist() == [["alpha", "gamma", 3.0], ["alpha", "beta", 2.0]]


def test_seriate_puts_similar_rows_together():
    m = pd.DataFrame(
        [[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 0], [0, 0, 1, 1]],
        index=["a", "b", "c", "d"],
    )
    order = seriate(m)
    assert order[0] == "c"  # largest total first
    assert abs(order.index("b") - order.index("d")) == 1


def test_order_by_totals():
    m = pd.DataFrame([[0, 1], [1, 1]], index=["low", "high"], columns=["x", "y"])
    ordered = order_by_totals(m)
    assert list(ordered.index) == ["high", "low"]
    assert list(ordered.columns) == ["y", "x"]


def test_mapping_topic_matrix(inventory):
    matrix = topics.mapping_topic_matrix(inventory.mappings)
    assert matrix.loc["alpha", "policy_strategy"] == 1
    assert matrix.loc["gamma", "cybercrime"] == 0
    assert list(matrix.columns)[0] == "cybercrime"  # 2 mappings, the busiest topic


def test_users_topic_matrix_on_projects(inventory):
    m = topics.users_topic_matrix(inventory.projects, "project_id")
    assert m.loc["governments_policymakers", "policy_strategy"] == 2  # p3, p4
    assert m.loc["law_enforcement_judiciary", "cybercrime"] == 1  # p1


def test_region_topic_matrix_for_projects_uses_aliases(inventory):
    reg = regions.country_regions(inventory.groups, inventory.country_groups)
    table = regions.project_region_table(
        inventory.projects, inventory.region_aliases, inventory.country_groups, reg
    )
    assert set(table.loc[table.region == "Oceania", "project_id"]) == {"p2", "p3"}
    m = topics.region_topic_matrix(table, inventory.projects, "project_id")
    assert m.loc["Africa", "cybercrime"] == 2  # p1 (KEN), p4 (NGA)
    assert m.loc["Oceania", "policy_strategy"] == 1  # p3 via "Pacific"
    assert m.loc["Americas"].sum() == 0 if "Americas" in m.index else True


def test_region_topic_matrix_for_mappings(inventory, cov):
    reg = regions.country_regions(inventory.groups, inventory.country_groups)
    table = regions.mapping_region_table(cov, reg)
    m = topics.region_topic_matrix(
        table.rename(columns={"mapping_id": "id"}), inventory.mappings, "id"
    )
    assert m.loc["Africa", "cybercrime"] == 2  # alpha, beta
    assert m.loc["Americas", "culture_skills"] == 0


def test_unmatched_region_names(inventory):
    assert regions.unmatched_region_names(inventory.projects, inventory.region_aliases).empty


def test_explode_skips_empty_lists(inventory):
    long = explode(inventory.projects, "project_id", "beneficiary_countries", "iso3")
    assert "p3" not in set(long["project_id"])
    assert len(long) == 4


def test_support_table_counts_regional_mappings_and_projects(inventory, cov):
    countries = pd.DataFrame({"iso3": ["BRA", "FJI", "KEN", "NGA", "TON"]})
    countries["name"] = countries["iso3"]
    table = need.need_table(countries, inventory.country_groups, inventory.gci)
    regional = coverage.coverage_counts(gaps.without_global(cov, inventory.mappings))
    support = gaps.support_table(
        table,
        {"FJI", "KEN", "TON"},
        regional,
        coverage.project_counts(gaps.projects_on(inventory.projects, "culture_skills")),
        pd.Series({"FJI": "Oceania", "KEN": "Africa"}),
        pd.Series({"FJI": "Melanesia"}),
    ).set_index("iso3")
    assert support["mappings"].to_dict() == {"FJI": 1, "KEN": 2, "TON": 1}  # beta, gamma
    assert support["projects"].to_dict() == {"FJI": 1, "KEN": 0, "TON": 1}  # p2 only
    assert support["region"].to_dict() == {"FJI": "Oceania", "KEN": "Africa", "TON": ""}
    assert support["subregion"].to_dict() == {"FJI": "Melanesia", "KEN": "", "TON": ""}


def test_empty_cells():
    m = pd.DataFrame([[0, 2], [1, 0]], index=["r1", "r2"], columns=["c1", "c2"])
    assert gaps.empty_cells(m)[["row", "column"]].values.tolist() == [["r1", "c1"], ["r2", "c2"]]


def test_cited_pages(inventory):
    from cbdash.present.tables import cited_pages

    pages = cited_pages(inventory.mappings, inventory.projects, inventory.cooperation)
    assert len(pages) == 8  # 3 mapping pages, 4 project pages, 1 link page
    row = pages.set_index("url").loc["https://example.org/coop"]
    assert (row["site"], row["records"], row["cited by"]) == ("example.org", 1, "link:alpha-beta")


def test_is_global(inventory):
    assert coverage.is_global(inventory.mappings).tolist() == [True, False, False]


def test_pair_of_mappings_without_items_compares_to_nothing():
    from cbdash.analysis import overlap as ov

    empty = pd.DataFrame(index=["a", "b"])  # neither lists anything on this dimension
    assert ov.pair_summary(empty, "a", "b") == {"both": 0, "only_a": 0, "only_b": 0}
    assert ov.pair_detail(empty, "a", "b").empty
