"""The Overlap page in a real browser: the matrix for the chosen dimension, then the card
that compares the pair that overlaps most on every dimension, the shared projects named."""

from __future__ import annotations

from playwright.sync_api import expect

from cbdash.analysis.filters import Filters
from cbdash.present.views import overlap as overlap_view

from .helpers import open_page, wait_for_plots


def test_overlap_matrix_then_the_pair_card(offline, server_url, model):
    context, record = offline()
    page = context.new_page()
    open_page(page, server_url + "/overlap?compare_by=projects")
    wait_for_plots(page)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1)
    comparison = overlap_view.overlap_comparison(model, Filters(), "projects", "jaccard", True)
    a, b = comparison.shown.first  # the page opens on the pair that overlaps most
    card = overlap_view.pair_card(model, Filters(), a, b)
    both = card.table.set_index("Compared by").loc["Shared projects", "In both"]
    assert both > 0, "fixture choice: the top pair shares projects"
    expect(page.get_by_text(comparison.sentence.split("**")[1], exact=False).first).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    shared = card.detail.loc[
        (card.detail["compared by"] == "Shared projects") & (card.detail["status"] == "in both"),
        "item",
    ].iloc[0]
    expect(page.get_by_text(shared, exact=False).first).to_be_visible()
    assert "pair=" in page.url and "compare_by=projects" in page.url
    assert not record.external and not record.page_errors, record
