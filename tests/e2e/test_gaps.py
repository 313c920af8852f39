"""The Gaps page in a real browser, offline, at 1280x720 and 1920x1080 (issue 14): the
default list (ODA-eligible states of high need and thin support) holds no high-income
country; its sentence names countries its need-against-support chart shows, on the page and
in the presentation's gaps step; the sub-region x topic view shows its empty cells; one
answer at a time. Screenshots land in artifacts/screenshots/gaps_*.png."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cbdash.analysis import gaps
from cbdash.analysis.filters import Filters
from cbdash.present.views import gaps as gaps_view

from .conftest import SCREENSHOTS, VIEWPORTS
from .helpers import TIMEOUT, error_texts, open_page, wait_for_plots, wait_idle, wait_settled

DEFAULT = gaps.GapQuestion()
CHART = '[data-testid="stPlotlyChart"]'
# The text a plotly chart shows: every text node, its lines (tspans) joined by spaces.
CHART_TEXT_JS = """(selector) => [...document.querySelectorAll(selector + ' svg text')].map(
    (t) => t.querySelectorAll('tspan').length
        ? [...t.querySelectorAll('tspan')].map((s) => s.textContent).join(' ')
        : t.textContent)"""
# The heatmap's cell numbers (not its colour bar's ticks).
CELL_LABELS_JS = """() => [...document.querySelectorAll(
    '[data-testid="stPlotlyChart"] g.hm .heatmap-label text')].map((t) => t.textContent)"""


@pytest.fixture(scope="module")
def answer(model) -> gaps_view.GapAnswer:
    return gaps_view.gap_answer(model, Filters(), DEFAULT)


def _wait_for_cells(page: Page) -> None:
    """Wait until the heatmap has written its cells' text (after its SVG is drawn)."""
    wait_for_plots(page)
    page.wait_for_function(
        """() => document.querySelectorAll('[data-testid="stPlotlyChart"] g.hm text').length""",
        timeout=TIMEOUT,
    )


def _sentence(page: Page) -> str:
    return page.locator('[data-testid="stMain"] [data-testid="stMarkdown"]').first.inner_text()


def _named(answer: gaps_view.GapAnswer) -> list[str]:
    """The countries the sentence names: the first ranked ones."""
    ranked = answer.ranked["country"].tolist()
    return ranked[: gaps_view.NAMED]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_default_gap_list_holds_no_high_income_country(offline, server_url, model, viewport):
    context, record = offline(*VIEWPORTS[viewport])
    page = context.new_page()
    open_page(page, server_url + "/gaps")
    wait_settled(page)
    page.screenshot(path=str(SCREENSHOTS / f"gaps_default_{viewport}.png"))
    button = page.get_by_role("button", name="Download CSV: gap countries ranked", exact=False)
    with page.expect_download(timeout=TIMEOUT) as info:
        button.click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    countries = [r["country"] for r in rows]
    assert countries, "the default gap list is empty"
    names = dict(zip(model.countries["iso3"], model.countries["name"], strict=True))
    high = gaps.group_members(model.inventory.country_groups, "wb_high")
    rich = sorted({names[c] for c in high if c in names} & set(countries))
    assert not rich, f"high-income countries on the default gap list: {rich}"
    oda = gaps.group_members(model.inventory.country_groups, "oda_recipients")
    assert set(countries) <= {names[c] for c in oda}, "a country outside the ODA list"
    assert all(r["why"].startswith("need: GCI 2024 tier") for r in rows), "a row without why"
    assert not error_texts(page)
    assert not record.external and not record.page_errors, record


@pytest.mark.parametrize("where", ["/gaps", "/?present=1&step=8"], ids=["page", "story"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_gaps_sentence_names_countries_its_chart_shows(
    offline, server_url, answer, viewport, where
):
    """On the Gaps page and in the presentation's gaps step alike."""
    context, record = offline(*VIEWPORTS[viewport])
    page = context.new_page()
    open_page(page, server_url + where)
    _wait_for_cells(page)
    wait_settled(page)
    if "present" in where:
        page.screenshot(path=str(SCREENSHOTS / f"gaps_story_step8_{viewport}.png"))
    expect(page.get_by_text(answer.text, exact=True)).to_be_visible()
    chart = " | ".join(page.evaluate(CHART_TEXT_JS, CHART))
    named = _named(answer)
    assert named and all(name in page.get_by_text(answer.text).first.inner_text() for name in named)
    missing = [name for name in named if name not in chart]
    assert not missing, f"the sentence names {missing}, which its chart does not show"
    assert not record.external and not record.page_errors, record


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_subregions_by_topic_show_their_empty_cells(offline, server_url, model, viewport):
    context, _ = offline(*VIEWPORTS[viewport])
    page = context.new_page()
    open_page(page, server_url + "/gaps?gaps_view=regions")
    _wait_for_cells(page)
    wait_settled(page)
    page.screenshot(path=str(SCREENSHOTS / f"gaps_subregions_{viewport}.png"))
    regions = gaps_view.gap_region_topics(model, Filters(), DEFAULT)
    empty = int((regions.matrix == 0).to_numpy().sum())
    assert empty > 0, "the shipped data has no empty sub-region x topic cell to show"
    assert len(regions.matrix) >= 15, "fewer rows than UN M49 sub-regions"
    labels = page.evaluate(CELL_LABELS_JS)
    assert len(labels) == regions.matrix.size, "not every cell carries its number"
    assert labels.count("0") == empty
    assert _sentence(page).startswith(f"{empty} of the {regions.matrix.size} sub-region")


def test_gaps_answers_one_at_a_time(offline, server_url, answer):
    context, record = offline()
    page = context.new_page()
    open_page(page, server_url + "/gaps")
    expect(page.get_by_text(answer.text, exact=True)).to_be_visible()
    expect(page.locator(CHART)).to_have_count(1)  # need against support

    page.get_by_role("radio", name="Gap map").click()
    wait_idle(page)
    expect(page.locator('[data-testid="stDeckGlJsonChart"]')).to_have_count(1)
    expect(page.locator(CHART)).to_have_count(0)
    expect(page.get_by_text(answer.text, exact=True)).to_have_count(0)

    page.get_by_role("radio", name="Summary by region").click()
    wait_idle(page)
    expect(
        page.get_by_role("button", name="Download Markdown: overlaps and gaps by region")
    ).to_be_visible()
    expect(page.locator(CHART)).to_have_count(0)
    assert "gaps_view=summary" in page.url
    assert not error_texts(page)
    assert not record.external and not record.page_errors, record
