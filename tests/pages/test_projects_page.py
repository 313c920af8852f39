"""Projects & duplicates page on the fixture (p1 is listed by alpha and beta)."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from cbdash.data.lists import load_reviewed
from tests.pages.conftest import FIXTURE_DIR, run_page


def test_listed_by_several():
    at = run_page("projects")
    assert not at.exception
    assert at.title[0].value == "Which projects appear in several mappings?"
    table = at.dataframe[0].value
    assert list(table["title"]) == ["Kenya Cybercrime Training"]
    assert at.get("download_button")


@pytest.mark.parametrize("section", ["duplicates", "funders"])
def test_sections_render(section):
    at = run_page("projects", {"projects_view": section})
    assert not at.exception
    assert at.get("download_button")


def test_funding_flows_chart():
    at = run_page("projects", {"projects_view": "funders"})
    assert at.get("plotly_chart")


def test_filters_apply():
    at = run_page("projects", {"users": "civil_society"})
    assert any("No project that passes the filters is listed by two" in i.value for i in at.info)


def test_check_a_list_asks_for_a_file():
    at = run_page("projects", {"projects_view": "check"})
    assert not at.exception
    assert any("Upload another mapping's project list" in m.value for m in at.markdown)
    assert not at.dataframe  # nothing to show before a file is given


# The review queue ------------------------------------------------------------------------
# By hand (fixture): the closest pair is p2 "Pacific Skills" / p3 "Pacific Strategy Support"
# (probability 0.32); the uploaded "KCT" is p1's alias.


def _frame(at, column: str):
    """The page's table that has `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_duplicate_check_review_queue_decisions_download_not_written(tmp_path):
    at = run_page("projects", {"projects_view": "duplicates"})
    assert not at.exception
    queue = _frame(at, "candidate")
    assert queue[["id", "candidate id"]].values.tolist()[0] == ["p2", "p3"]  # most probable first
    assert list(queue["your decision"]) == [""] * len(queue)
    assert at.selectbox(key="dup_queue_pick").value == "list:p2|p3"
    assert any("Pacific Skills" in m.value and "for: words overlap" in m.value for m in at.markdown)
    at.text_input(key="dup_queue_reason").input("Different regions' programmes")
    at.button(key="dup_queue_different").click().run()
    assert _frame(at, "candidate")["your decision"].iloc[0] == "different"
    assert at.selectbox(key="dup_queue_pick").value != "list:p2|p3"  # the next pair
    assert not at.get("download_button") or all(
        "reviewed pairs" not in b.proto.label for b in at.get("download_button")
    )  # no name yet
    at.text_input(key="dup_queue_who").input("A. Reviewer").run()
    decisions = _frame(at, "reviewer")
    first = decisions.iloc[0]
    assert first[:6].tolist() == [
        "p2",
        "Pacific Skills",
        "p3",
        "Pacific Strategy Support",
        "different",
        "A. Reviewer",
    ]
    assert first["date"] == date.today().isoformat()
    assert decisions["reason"].iloc[0] == "Different regions' programmes"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download CSV: reviewed pairs (1 row)" in labels
    assert not [b for b in at.button if b.key == "dup_queue_save"]  # writing is off by default


def test_review_queue_adds_decisions_to_data_only_when_allowed(tmp_path, monkeypatch):
    folder = tmp_path / "inventory"
    shutil.copytree(FIXTURE_DIR, folder)
    monkeypatch.setenv("CBDASH_DATA_DIR", str(folder))
    monkeypatch.setenv("CBDASH_WRITE_REVIEWED", "1")
    at = run_page("projects", {"projects_view": "duplicates"})
    at.button(key="dup_queue_same").click().run()
    at.text_input(key="dup_queue_who").input("A. Reviewer").run()
    at.button(key="dup_queue_save").click().run()
    assert not at.exception and "Added 1 pair" in at.success[0].value
    rows = load_reviewed(folder / "dedupe_reviewed.csv")
    assert [(r["id_a"], r["id_b"], r["decision"]) for r in rows] == [("p2", "p3", "same")]
    assert rows[0]["reason"].startswith("decided in the review queue; the model's evidence: 0.32")


def test_check_a_list_shows_its_review_queue():
    at = run_page("projects", {"projects_view": "check"})
    upload = b"title\nKCT\nKenya Cybercrime Training programme\nPacific Skills programme\n"
    at.file_uploader(key="check_list_file").set_value(("theirs.csv", upload, "text/csv")).run()
    assert not at.exception
    queue = _frame(at, "candidate")
    first = queue.iloc[0]
    assert (first["name"], first["candidate id"], first["model says"]) == (
        "KCT",
        "p1",
        "same project",
    )
    assert set(queue["candidate from"]) == {"inventory", "list"}  # rows 2 and 3 meet too
    key = next(s.key for s in at.selectbox if s.key.startswith("list_queue_"))
    prefix = key.removesuffix("_pick")
    at.button(key=f"{prefix}_same").click().run()
    at.text_input(key=f"{prefix}_who").input("A. Reviewer").run()
    decision = _frame(at, "reviewer").iloc[0]
    assert (decision["id_a"], decision["title_a"], decision["id_b"]) == ("", "KCT", "p1")
