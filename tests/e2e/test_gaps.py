"""The Gaps page in a real browser: one answer at a time, each with what the core computes."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from cbdash.analysis import gaps
from cbdash.analysis.filters import Filters
from cbdash.present.views import gaps as gaps_view

from .helpers import TIMEOUT, error_texts, open_page, wait_for_plots, wait_idle

CHART_TITLE = '[data-testid="stPlotlyChart"] .gtitle'


def test_gaps_answers_one_at_a_time(offline, server_url, model):
    context, record = offline()
    page = context.new_page()
    open_page(page, server_url + "/gaps")
    answer = gaps_view.gap_countries(model, Filters(), gaps.GapQuestion())
    expect(page.get_by_text(answer.sentence.replace("\\", ""), exact=True)).to_be_visible()
    expect(page.get_by_text("Gap countries per UN region", exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)  # bars in a table

    page.get_by_role("radio", name="Regions × topics").click()
    wait_idle(page)
    wait_for_plots(page)
    expect(page.locator(CHART_TITLE)).to_have_text(
        ["Listed projects per region and topic"], timeout=TIMEOUT
    )
    expect(page.get_by_text(answer.sentence.replace("\\", ""), exact=True)).to_have_count(0)

    page.get_by_role("radio", name="Summary by region").click()
    wait_idle(page)
    expect(
        page.get_by_role("button", name="Download Markdown: overlaps and gaps by region")
    ).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)
    report = gaps_view.gap_report(model, Filters(), 2, date.today())
    first_region = report.body.split("## ", 2)[1].splitlines()[0]
    expect(page.get_by_role("heading", name=first_region)).to_be_visible()
    assert not error_texts(page)
    assert not record.external and not record.page_errors, record
