"""The Overlap page in a real browser: the matrix first; "Compare two mappings" opens on the
most overlapping pair and shows, for shared projects, the projects both list (issue #4)."""

from __future__ import annotations

from playwright.sync_api import expect

from cbdash.analysis.filters import Filters
from cbdash.present.views import overlap as overlap_view

from .helpers import choose, metric_value, open_page, wait_for_plots, wait_idle


def test_overlap_matrix_then_the_projects_two_mappings_both_list(offline, server_url, model):
    context, record = offline()
    page = context.new_page()
    open_page(page, server_url + "/overlap")
    wait_for_plots(page)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1)

    choose(page, "Compare by", "Shared projects")
    wait_idle(page)
    # When only global portals (Cybil) list shared projects, the page says to keep them in.
    hint = page.get_by_text("Switch off “Leave out global mappings”", exact=False)
    without = overlap_view.overlap_comparison(model, Filters(), "projects", "count", True)
    expect(hint).to_have_count(1 if without.shown is None else 0)
    page.get_by_text("Leave out global mappings (they all cover", exact=False).click()
    wait_idle(page)
    expect(hint).to_have_count(0)
    page.get_by_role("radio", name="Compare two mappings").click()
    wait_idle(page)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)
    comparison = overlap_view.overlap_comparison(model, Filters(), "projects", "count", False)
    a, b = comparison.shown.first  # the page opens on the most overlapping pair
    pair = overlap_view.overlap_pair(model, Filters(), "projects", "count", False, a, b)
    assert pair.summary["both"] > 0, "fixture choice: the top pair shares projects"
    expect(metric_value(page, "In both")).to_have_text(str(pair.summary["both"]))
    shared = pair.detail.loc[pair.detail["status"] == "both", "name"].iloc[0]
    expect(page.get_by_text(shared, exact=False).first).to_be_visible()
    assert not record.external and not record.page_errors, record
