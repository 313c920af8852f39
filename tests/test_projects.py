"""Projects across mappings, funding flows, on the fixture."""

from __future__ import annotations

from cbdash.analysis import funding, projects, regions


def test_listed_by_several(inventory):
    several = projects.listed_by_several(inventory.projects)
    assert list(several["project_id"]) == ["p1"]
    assert list(several["listings"]) == [2]


def test_flat_is_the_dedupe_input(inventory):
    flat = projects.flat(inventory.projects).set_index("project_id")
    assert flat.loc["p2", "beneficiary_countries"] == "FJI;TON"
    assert flat.loc["p1", "start_year"] == "2018"
    assert flat.loc["p2", "end_year"] == ""


def test_clusters_on_fixture(inventory, tmp_path):
    result = projects.clusters(inventory.projects, None).set_index("project_id")
    assert (result["cluster_size"] == 1).all()
    reviewed = tmp_path / "r.csv"
    reviewed.write_text(
        "id_a,title_a,id_b,title_b,decision,reviewer,date,reason\n"
        "p2,Pacific Skills,p3,Pacific Strategy Support,same,A. Reviewer,2026-11-29,test\n"
    )
    joined = projects.clusters(inventory.projects, reviewed).set_index("project_id")
    assert joined.loc["p2", "cluster_id"] == joined.loc["p3", "cluster_id"] == "c-p2"
    assert joined.loc["p2", "overridden"]


def test_nearest_score():
    import pandas as pd

    ev = pd.Series(["alone; nearest x: 0.73; similar names", "alone; no candidate"])
    assert projects.nearest_score(ev).tolist()[0] == 0.73
    assert projects.nearest_score(ev).isna().tolist() == [False, True]


def test_funding_flows(inventory):
    reg = regions.country_regions(inventory.groups, inventory.country_groups)
    table = regions.project_region_table(
        inventory.projects, inventory.region_aliases, inventory.country_groups, reg
    )
    flows = funding.flows(inventory.projects, table)
    got = {(r.source, r.region): r.projects for r in flows.itertuples()}
    assert got == {("Donor A", "Africa"): 2, ("Donor B", "Oceania"): 2}
    top1 = funding.flows(inventory.projects, table, top=1)
    assert set(top1["source"]) == {"Donor A", funding.OTHER}
