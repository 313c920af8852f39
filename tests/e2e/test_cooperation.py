"""The Cooperation page in a real browser: the arc diagram first, then the case studies and
the mappings standing alone, one view at a time, each with what the core computes. At
1280x720 and 1920x1080 every linked mapping has a label of its own, and no label overlaps
another label or a node, measured on the boxes the browser draws."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cbdash.analysis.filters import Filters
from cbdash.present.views import cooperation as cooperation_view

from .conftest import SCREENSHOTS, VIEWPORTS
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


# The arc diagram as drawn: each label's box (an annotation's text) and each node's box
# (its centre and marker size, in page pixels), the chart's box, and the names behind the
# labels and the nodes.
ARC_BOXES_JS = """gd => {
    const svg = gd.querySelector('.main-svg').getBoundingClientRect();
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const labels = [...gd.querySelectorAll('.annotation')].map((g, i) => {
        const r = g.querySelector('.annotation-text').getBoundingClientRect();
        return {text: g.textContent, name: gd.layout.annotations[i].hovertext,
                box: [r.left, r.top, r.right, r.bottom]};
    });
    const nodes = [];
    gd._fullData.forEach(t => {
        if (t.mode !== 'markers' || t.marker.symbol === 'arrow') return;
        const xs = Array.from(t.x), ys = Array.from(t.y);
        const sizes = Array.isArray(t.marker.size) || ArrayBuffer.isView(t.marker.size)
            ? Array.from(t.marker.size) : xs.map(() => t.marker.size);
        xs.forEach((x, i) => {
            const cx = svg.left + xa._offset + xa.l2p(x), cy = svg.top + ya._offset + ya.l2p(ys[i]);
            const h = sizes[i] / 2;
            nodes.push({name: String(t.hovertext[i]).split('<br>')[0],
                        box: [cx - h, cy - h, cx + h, cy + h]});
        });
    });
    return {svg: [svg.left, svg.top, svg.right, svg.bottom], labels, nodes};
}"""


def overlaps(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    """Whether two boxes (left, top, right, bottom) share more than `slack` px each way."""
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def arc_problems(drawn: dict) -> list[str]:
    """Labels on top of each other or of a node, labels cut off by the chart's edge, and
    nodes without a label of their own."""
    import html

    problems = []
    labels, nodes, svg = drawn["labels"], drawn["nodes"], drawn["svg"]
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            if overlaps(a["box"], b["box"]):
                problems.append(f"label {a['text']!r} overlaps label {b['text']!r}")
        for node in nodes:
            if overlaps(a["box"], node["box"]):
                problems.append(f"label {a['text']!r} overlaps the node of {node['name']!r}")
        left, top, right, bottom = a["box"]
        if left < svg[0] - 0.5 or right > svg[2] + 0.5 or top < svg[1] - 0.5 or bottom > svg[3]:
            problems.append(f"label {a['text']!r} is cut by the chart's edge: {a['box']}")
        if right - left < 1:
            problems.append(f"label {a['text']!r} is not drawn")
    named = {html.unescape(a["name"]) for a in labels}
    for node in nodes:
        if html.unescape(node["name"]) not in named:
            problems.append(f"the node of {node['name']!r} has no label")
    if len(labels) != len(nodes):
        problems.append(f"{len(labels)} labels for {len(nodes)} nodes")
    return problems


LINKED_VIEWS = {  # default filters, and every kind of effort counted (34 linked mappings)
    "active": "",
    "everything": "?include=archived,related,proposal",
}


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("view", list(LINKED_VIEWS))
def test_arc_diagram_labels_every_linked_mapping_without_overlap(
    offline, server_url, model, size, view
):
    context, record = offline(*VIEWPORTS[size])
    page = context.new_page()
    open_page(page, server_url + "/cooperation" + LINKED_VIEWS[view])
    wait_for_plots(page)
    plot = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
    expect(plot.locator(".annotation").first).to_be_attached()
    drawn = plot.evaluate(ARC_BOXES_JS)
    filters = (
        Filters(include=("archived", "related", "proposal")) if view == "everything" else Filters()
    )
    arcs = cooperation_view.cooperation_network(model, filters, [], "countries")
    assert len(drawn["nodes"]) == arcs.drawn == arcs.linked > 0
    assert not arc_problems(drawn), arc_problems(drawn)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    bottom = plot.evaluate("gd => gd.getBoundingClientRect().bottom")
    width, height = VIEWPORTS[size]
    page.set_viewport_size({"width": width, "height": max(height, int(bottom) + 40)})
    plot.screenshot(path=SCREENSHOTS / f"cooperation_arcs_{view}_{size}.png")
    assert not record.external and not record.page_errors, record


def test_arc_problems_sees_overlaps_cut_labels_and_unlabelled_nodes():
    """The check itself, on boxes by hand."""
    drawn = {
        "svg": [0, 0, 500, 300],
        "labels": [
            {"text": "A", "name": "A", "box": [10, 10, 60, 30]},
            {"text": "B", "name": "B", "box": [50, 20, 90, 40]},  # on A
            {"text": "C", "name": "C", "box": [-5, 100, 40, 120]},  # cut at the left
        ],
        "nodes": [
            {"name": "A", "box": [55, 12, 65, 22]},  # under A's label
            {"name": "D", "box": [200, 200, 210, 210]},  # no label
        ],
    }
    problems = " | ".join(arc_problems(drawn))
    assert "'A' overlaps label 'B'" in problems
    assert "'A' overlaps the node of 'A'" in problems
    assert "'C' is cut" in problems
    assert "'D' has no label" in problems
    assert "3 labels for 2 nodes" in problems
    ok = {"svg": [0, 0, 500, 300], "labels": drawn["labels"][:1], "nodes": []}
    ok["nodes"] = [{"name": "A", "box": [70, 12, 80, 22]}]
    assert arc_problems(ok) == []
