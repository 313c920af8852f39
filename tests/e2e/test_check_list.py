"""Projects & duplicates, "Check a list", in a real browser: another mapping's project list
uploaded as CSV is matched against the inventory under any known name (issue #4), a file
that cannot be used gets a message naming the file and the missing column, and the list's
review queue takes decisions that download as a reviewed-pairs file (issue #17)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
from playwright.sync_api import expect

from cbdash.data.lists import REVIEWED_COLUMNS, check_reviewed

from .conftest import REPO
from .helpers import ERROR_SELECTORS, TIMEOUT, open_page, wait_idle

GOOD = (
    b"title,funders\n"
    b"Global Action on Cybercrime Extended,European Union\n"
    b"GLACY+,\n"
    b"A project nobody lists,\n"
)


def _open_check(page, server_url):
    open_page(page, server_url + "/projects")
    page.get_by_role("radio", name="Check a list").click()
    wait_idle(page)


def test_an_uploaded_list_is_matched_against_the_inventory(offline, server_url):
    context, record = offline(1600, 1000)
    page = context.new_page()
    _open_check(page, server_url)
    page.locator('input[type="file"]').set_input_files(
        {"name": "their_projects.csv", "mimeType": "text/csv", "buffer": GOOD}
    )
    summary = page.get_by_text(re.compile(r"of 3 rows are projects of this inventory"))
    expect(summary).to_be_visible()
    wait_idle(page)
    assert summary.inner_text().startswith("2 of 3 rows"), summary.inner_text()
    expect(page.get_by_text("2 rows list a project another row lists too")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(2)  # rows, review queue
    button = page.get_by_role("button", name=re.compile(r"^Download CSV: project list checked"))
    expect(button).to_contain_text("(3 rows)")
    assert not record.external and not record.page_errors, record


def test_an_unusable_list_is_named_not_a_traceback(offline, server_url):
    context, _ = offline(1600, 1000)
    page = context.new_page()
    _open_check(page, server_url)
    page.locator('input[type="file"]').set_input_files(
        {"name": "wrong.csv", "mimeType": "text/csv", "buffer": b"name,year\nGLACY,2013\n"}
    )
    error = page.locator(ERROR_SELECTORS["error box"])
    expect(error).to_contain_text("wrong.csv: missing required column 'title'")
    expect(page.locator(ERROR_SELECTORS["exception"])).to_have_count(0)


def test_the_review_queue_decisions_download_as_a_reviewed_pairs_file(offline, server_url):
    """A pair of the uploaded list's review queue is decided, the decision downloads as a
    reviewed-pairs file (data/dedupe_reviewed.csv's format) and nothing is written to data/
    (the setting that allows it is off by default)."""
    shipped = (REPO / "data" / "dedupe_reviewed.csv").read_bytes()
    context, record = offline(1600, 1000)
    page = context.new_page()
    _open_check(page, server_url)
    page.locator('input[type="file"]').set_input_files(
        {"name": "their_projects.csv", "mimeType": "text/csv", "buffer": GOOD}
    )
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.get_by_text("Why (optional; recorded with the decision)")).to_be_visible()
    page.get_by_label("Why (optional; recorded with the decision)").fill("GLACY+'s own page")
    page.get_by_role("button", name="Same project").click()
    expect(page.get_by_text("1 decision in this session.")).to_be_visible()
    page.get_by_label("Your name (the reviewed-pairs file says who decided)").fill("A. Reviewer")
    page.keyboard.press("Enter")
    button = page.get_by_role("button", name=re.compile(r"^Download CSV: reviewed pairs"))
    expect(button).to_contain_text("(1 row)")
    assert page.get_by_role("button", name=re.compile(r"^Add the decisions")).count() == 0
    with page.expect_download(timeout=TIMEOUT) as info:
        button.click()
    with Path(info.value.path()).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(REVIEWED_COLUMNS)
    assert (rows[0]["decision"], rows[0]["reviewer"], rows[0]["reason"]) == (
        "same",
        "A. Reviewer",
        "GLACY+'s own page",
    )
    assert check_reviewed(pd.DataFrame(rows), "download")  # a valid reviewed-pairs file
    assert (REPO / "data" / "dedupe_reviewed.csv").read_bytes() == shipped
    assert not record.external and not record.page_errors, record
