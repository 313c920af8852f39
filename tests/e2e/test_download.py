"""Explore & download in a real browser: the CSV a visitor downloads holds exactly the rows
of the table on screen (as counted in the caption and as exported by the table itself)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .helpers import TIMEOUT, open_page, wait_idle

CASES = {  # table -> (view, search word)
    "mappings": ("mappings", "portal"),
    "projects": ("projects", "pacific"),
}


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _plain(cell: str) -> str:
    """Undo the spreadsheet-safety apostrophe the app's export puts before = + - @."""
    return cell[1:] if cell[:2] in {"'=", "'+", "'-", "'@"} else cell


@pytest.mark.parametrize("table", list(CASES))
def test_csv_download_matches_the_table_shown(offline, server_url, table):
    tab, word = CASES[table]
    context, _ = offline(1920, 1080)
    page = context.new_page()
    open_page(page, f"{server_url}/explore?topics=cybercrime&explore_view={tab}")
    panel = page.locator('[data-testid="stMain"]')
    caption = panel.get_by_text(re.compile(rf"^\d+ of \d+ {table}\."))
    expect(caption).to_be_visible()
    total = int(caption.inner_text().split(" of ")[1].split()[0])

    panel.get_by_role("textbox", name=f"Search {table}").fill(word)
    panel.get_by_role("textbox", name=f"Search {table}").press("Enter")
    expect(caption).not_to_have_text(re.compile(rf"^{total} of "), timeout=TIMEOUT)
    wait_idle(page)
    shown = int(caption.inner_text().split(" of ")[0])
    assert 0 < shown < total, f"search {word!r} should narrow {total} {table} (shows {shown})"

    button = panel.get_by_role("button", name=re.compile(rf"^Download CSV: {table} \("))
    expect(button).to_contain_text(f"({shown} row{'' if shown == 1 else 's'})")
    with page.expect_download(timeout=TIMEOUT) as info:
        button.click()
    download = info.value
    assert re.fullmatch(rf"cbdash_{table}_\d{{4}}-\d\d-\d\d\.csv", download.suggested_filename)
    ours = _rows(Path(download.path()))
    assert len(ours) - 1 == shown, f"CSV has {len(ours) - 1} rows, the caption says {shown}"

    # The table's own export is what the grid holds: the same header and the same rows.
    grid = panel.locator('[data-testid="stDataFrame"]')
    grid.hover()
    with page.expect_download(timeout=TIMEOUT) as info:
        grid.get_by_role("button", name="Download as CSV").click()
    theirs = _rows(Path(info.value.path()))
    assert ours[0] == theirs[0], "the CSV's columns differ from the table's"
    assert [[_plain(c) for c in row] for row in ours[1:]] == theirs[1:], (
        "the CSV's rows differ from the table's"
    )
