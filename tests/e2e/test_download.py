"""Downloads in a real browser: the CSV a visitor downloads from Explore holds exactly the
rows of the table on screen (as counted in the caption and as exported by the table itself),
and every download, on every page, has headers and a button label in words."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS
from .helpers import TIMEOUT, open_page, wait_idle, wait_settled

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


# Every download of these views, clicked as a visitor would: the file's header is in words
# (no snake_case id where a name exists), the button says what and how many rows in words.
HEADER_VIEWS = [
    "/",
    "/coverage_map",
    *(f"/topics?topics_view={v}" for v in ("mappings", "users", "regions", "users_topics")),
    "/topics?topics_view=crosswalk",
    "/overlap",
    "/overlap?compare_by=projects",
    "/projects",
    "/projects?projects_view=duplicates",
    "/projects?projects_view=funders",
    "/cooperation?coop_view=cases",
    "/cooperation?coop_view=alone",
    "/gaps",
    "/explore?explore_view=mappings&topics=cybercrime&regions=m49_002&users=civil_society",
    "/explore?explore_view=projects&topics=cybercrime&regions=m49_002",
    "/method",
    *(f"/story?step={n}" for n in range(1, 9)),
]
# Downloads left as they are, and why: the data files themselves (their fields are the data
# format, docs/data-format.md, as is a reviewed-pairs file), and none owned by other work.
DATA_FORMAT = re.compile(r"^dl_full_")
OWNED_ELSEWHERE: dict[str, str] = {}
SNAKE = re.compile(r"[a-z]_[a-z]")
# The filters in the Explore links above and the column each adds to its table.
FILTER_COLUMNS = {
    "mappings": ["topics", "regions covered", "target users"],
    "projects": ["topics", "regions reached"],
}


def _key(button) -> str:
    """The widget key of a download button (Streamlit puts it in a class st-key-<key>)."""
    owner = button.locator("xpath=ancestor::*[contains(@class, 'st-key-')][1]")
    classes = (owner.get_attribute("class") or "").split()
    return next(c.removeprefix("st-key-") for c in classes if c.startswith("st-key-"))


CHUNKS = 4  # the views in four tests, so that parallel workers share them


@pytest.mark.parametrize("chunk", range(CHUNKS), ids=lambda c: f"views{c}")
def test_every_download_has_headers_and_labels_in_words(offline, server_url, chunk):
    # A file's headers and a button's label do not depend on the window size: one size.
    context, record = offline(*VIEWPORTS["1280x720"])
    page = context.new_page()
    problems, seen = [], 0
    views = HEADER_VIEWS[chunk::CHUNKS]
    for view in views:
        open_page(page, server_url + view)
        wait_settled(page)
        buttons = page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button')
        for button in buttons.all():
            key = _key(button)
            label = button.inner_text().strip().splitlines()[-1]  # after the icon's name
            if not re.fullmatch(r"Download CSV: [^_]+ \((1 row|\d[\d,]* rows)\)", label):
                problems.append(f"{view} {key}: button {label!r}")
            with page.expect_download(timeout=TIMEOUT) as info:
                button.click()
            header = _rows(Path(info.value.path()))[0]
            seen += 1
            snake = [h for h in header if SNAKE.search(h)]
            if snake and not DATA_FORMAT.match(key) and key not in OWNED_ELSEWHERE:
                problems.append(f"{view} {key}: snake_case headers {snake}")
            if (
                key.startswith("dl_")
                and "explore_view=" in view
                and key
                in {
                    "dl_mappings",
                    "dl_projects",
                }
            ):
                table = key.removeprefix("dl_")
                missing = [c for c in FILTER_COLUMNS[table] if c not in header]
                if missing:
                    problems.append(f"{view}: no column for the filters {missing}: {header}")
    assert seen >= len(views), f"only {seen} downloads found in {views}"
    assert not problems, "\n".join(problems)
    assert not record.external and not record.page_errors, record
