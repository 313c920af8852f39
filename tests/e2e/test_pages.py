"""A tour of every page in the sidebar navigation, offline: each renders its own title with
no error, makes no request outside localhost, throws no JS error, and leaves screenshots at
1920x1080 and 1280x720 (the viewport, and the whole page) in artifacts/screenshots/."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from .conftest import SCREENSHOTS, VIEWPORTS, new_offline_context
from .helpers import (
    MIN_MAP_COLOURED,
    deck,
    error_texts,
    nav_links,
    open_page,
    switch_page,
    title,
    wait_for_map,
    wait_settled,
)

MIN_PAGES = 6  # Home, Coverage map, Topics, Overlap, Explore & download, Data & method
FULL_HEIGHT_CAP = 6000


@dataclass
class Visit:
    label: str
    url: str
    title: str = ""
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)
    in_nav: bool = True


@dataclass
class Tour:
    visits: list[Visit]
    page_errors: list[str]
    external: list[str]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _screenshots(page: Page, stem: str, width: int, height: int) -> list[Path]:
    """The viewport at width x height, then the whole page: Streamlit scrolls inside its
    main section, so the viewport grows to the content's height for the second shot."""
    page.set_viewport_size({"width": width, "height": height})
    wait_settled(page, quiet=2)
    if deck(page).count():
        wait_for_map(page, MIN_MAP_COLOURED)
    shot, full = SCREENSHOTS / f"{stem}.png", SCREENSHOTS / f"{stem}_full.png"
    page.screenshot(path=shot)
    content = page.locator('[data-testid="stMain"]').evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(content, height), FULL_HEIGHT_CAP)})
    wait_settled(page, quiet=2)
    page.screenshot(path=full)
    return [shot, full]


@pytest.fixture(scope="module")
def tour(browser, server_url) -> Tour:
    """Visit every page of the navigation once, through the sidebar, recording what went
    wrong, with screenshots at each viewport size (resizing the window, not reloading)."""
    sizes = list(VIEWPORTS.items())
    context, record = new_offline_context(browser, *sizes[0][1])
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        open_page(page, server_url + "/")
        visits = [Visit(label, url) for label, url in nav_links(page).items()]
        # The presenter's view: no sidebar, projector styles, the guided story.
        visits.append(Visit("Presentation mode", f"{server_url}/?present=1", in_nav=False))
        previous = ""
        for visit in visits:
            before = len(record.external)
            page.set_viewport_size(dict(zip(("width", "height"), sizes[0][1], strict=True)))
            try:
                if not visit.in_nav:
                    open_page(page, visit.url)
                elif visit is not visits[0]:  # switch pages as a visitor does: in the sidebar
                    switch_page(page, visit.label, previous)
                visit.title = previous = title(page).inner_text().strip()
                wait_settled(page)
                visit.errors = error_texts(page)
                for name, (width, height) in sizes:
                    stem = f"{_slug(visit.label)}_{name}"
                    visit.screenshots += _screenshots(page, stem, width, height)
                visit.errors += [e for e in error_texts(page) if e not in visit.errors]
            except (PlaywrightError, AssertionError) as exc:
                visit.errors.append(f"did not render: {str(exc).splitlines()[0]}")
            visit.external = record.external[before:]
        return Tour(visits, list(record.page_errors), list(record.external))
    finally:
        context.close()


def test_navigation_lists_every_page(tour):
    labels = [v.label for v in tour.visits if v.in_nav]
    assert len(labels) >= MIN_PAGES, f"navigation shows only {labels}"
    for expected in ("Home", "Coverage map", "Topics", "Overlap", "Explore & download"):
        assert expected in labels


def test_every_page_renders_without_error(tour):
    problems = {v.label: v.errors for v in tour.visits if v.errors}
    assert not problems, f"pages with errors: {problems}"


def test_every_page_shows_its_own_title(tour):
    titles = {v.label: v.title for v in tour.visits}
    assert all(titles.values()), f"pages without a title: {titles}"
    in_nav = [v.title for v in tour.visits if v.in_nav]
    assert len(set(in_nav)) == len(in_nav), f"two pages share a title: {titles}"


def test_app_makes_no_external_request_and_still_renders(tour):
    by_page = {v.label: sorted(set(v.external)) for v in tour.visits if v.external}
    assert not tour.external, f"the app tried to reach the internet: {by_page}"
    assert all(v.title and not v.errors for v in tour.visits)


def test_no_javascript_error(tour):
    assert not tour.page_errors, f"uncaught JS errors: {tour.page_errors}"


def test_screenshots_saved(tour):
    for visit in tour.visits:
        assert len(visit.screenshots) == 2 * len(VIEWPORTS), f"{visit.label}: screenshots missing"
        for shot in visit.screenshots:
            assert shot.stat().st_size > 10_000, f"{shot} looks empty"
