"""Projects across mappings, funding flows, on the fixture."""

from __future__ import annotations

import pandas as pd
import pytest

from cbdash.analysis import funding, projects, regions
from cbdash.data import lists


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


# The review queue as pairs to decide, and decisions as reviewed pairs ---------------------
QUEUE = pd.DataFrame(
    [  # review_queue's rows, by hand: a and b proposed to each other, one decided pair
        ("b", 1, "a", "A", "list", 0.40, "review", "0.40; names 'B' ~ 'A'"),
        ("a", 1, "b", "B", "list", 0.40, "review", "0.40; names 'A' ~ 'B'"),
        ("a", 2, "c", "C", "list", 0.05, "reviewed different", "0.05; ..."),
        ("b", 1, "p9", "Known", "inventory", 0.90, "same", "0.90; names 'B' ~ 'Known'"),
    ],
    columns=projects.QUEUE_COLUMNS,
)
TITLES = {"a": "A", "b": "B", "c": "C"}


def test_queue_pairs_are_each_pair_once_most_probable_first():
    pairs = projects.queue_pairs(QUEUE, TITLES)
    assert list(pairs.columns) == projects.PAIR_COLUMNS
    assert pairs["pair"].tolist() == ["inventory:b|p9", "list:a|b"]  # a-c was decided
    assert pairs[["title", "candidate_title"]].values.tolist() == [["B", "Known"], ["A", "B"]]


def test_reviewed_rows_write_ids_of_inventory_rows_only():
    pairs = projects.queue_pairs(QUEUE, TITLES)
    decided = {"inventory:b|p9": ("same", " their page says so "), "list:a|b": ("different", "")}
    listed = projects.reviewed_rows(pairs, decided, " Ann ", "2026-12-07", inventory_ids=False)
    assert listed.values.tolist() == [
        ["", "B", "p9", "Known", "same", "Ann", "2026-12-07", "their page says so"],
        ["", "A", "", "B", "different", "Ann", "2026-12-07",
         "decided in the review queue; the model's evidence: 0.40; names 'A' ~ 'B'"],
    ]  # fmt: skip
    own = projects.reviewed_rows(pairs, decided, "Ann", "2026-12-07", inventory_ids=True)
    assert own[["id_a", "id_b"]].values.tolist() == [["b", "p9"], ["a", "b"]]
    assert load_reviewed_frame(own)  # a valid reviewed-pairs file


def load_reviewed_frame(frame: pd.DataFrame) -> list:
    return lists.check_reviewed(frame, "decisions")


def test_decisions_are_added_to_the_file_only_as_valid_rows(tmp_path, monkeypatch):
    monkeypatch.delenv(lists.WRITE_REVIEWED_ENV, raising=False)
    assert not lists.may_write_reviewed()  # off by default
    monkeypatch.setenv(lists.WRITE_REVIEWED_ENV, "1")
    assert lists.may_write_reviewed()
    pairs = projects.queue_pairs(QUEUE, TITLES)
    rows = projects.reviewed_rows(
        pairs, {"list:a|b": ("different", "x")}, "Ann", "2026-12-07", inventory_ids=True
    )
    path = tmp_path / "dedupe_reviewed.csv"
    assert lists.add_reviewed(path, rows) == 1
    assert lists.add_reviewed(path, rows) == 0  # a row already there is not added twice
    text = path.read_text()
    assert text == ",".join(lists.REVIEWED_COLUMNS) + "\na,A,b,B,different,Ann,2026-12-07,x\n"
    bad = rows.assign(reviewer="")
    with pytest.raises(lists.DedupeInputError, match="'reviewer': empty"):
        lists.add_reviewed(path, bad)
    assert path.read_text() == text  # nothing written
    path.write_text(text.rstrip("\n"))  # a file without a last newline is continued cleanly
    assert lists.add_reviewed(path, rows.assign(decision="same")) == 1
    assert [r["decision"] for r in lists.load_reviewed(path)] == ["different", "same"]
