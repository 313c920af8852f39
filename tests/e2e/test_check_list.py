"""Projects & duplicates, "Check a list", in a real browser: another mapping's project list
uploaded as CSV is matched against the inventory under any known name (issue #4), and a
file that cannot be used gets a message naming the file and the missing column."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .helpers import ERROR_SELECTORS, open_page, wait_idle

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
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
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
