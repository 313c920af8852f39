"""The Cooperation page in a real browser: the network first, then the case studies and the
mappings standing alone, one view at a time, each with what the core computes."""

from __future__ import annotations

from playwright.sync_api import expect

from cbdash.analysis.filters import Filters
from cbdash.present.views import cooperation as cooperation_view

from .helpers import error_texts, open_page, wait_for_plots, wait_idle


def test_cooperation_views_one_at_a_time(offline, server_url, model):
    context, record = offline()
    page = context.new_page()
    open_page(page, server_url + "/cooperation")
    wait_for_plots(page)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1)
    legend = page.get_by_test_id("stHtml").get_by_text("Kind of mapping", exact=True)
    expect(legend).to_be_visible()  # the HTML legend

    studies = cooperation_view.case_studies(model, Filters(), [])
    first = next(iter(studies.labels.values()))
    page.get_by_role("radio", name="Case studies").click()
    wait_idle(page)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)
    expect(
        page.locator('[data-testid="stMarkdownContainer"] strong', has_text=first).first
    ).to_be_visible()
    expect(page.locator('[data-testid="stMain"] a[href^="http"]').first).to_be_visible()  # a source

    alone = cooperation_view.standing_alone(model, Filters())
    page.get_by_role("radio", name="Standing alone").click()
    wait_idle(page)
    expect(page.get_by_text(f"{len(alone)} of ", exact=False).first).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    assert not error_texts(page)
    assert not record.external and not record.page_errors, record
