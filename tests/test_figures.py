"""Figure builders: data and layout, never pixels."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cbdash import figures
from cbdash.geo import polygon_records


def test_annotated_heatmap_numbers_and_contrast():
    m = pd.DataFrame([[0, 5], [10, float("nan")]], index=["r1", "r2"], columns=["a", "b"])
    fig = figures.annotated_heatmap(m, title="t", x_labels={"a": "Alpha"})
    assert list(fig.data[0].x) == ["Alpha", "b"]
    texts = {(a.x, a.y): (a.text, a.font.color) for a in fig.layout.annotations}
    assert texts[("Alpha", "r1")] == ("0", "black")  # lightest cell: black text
    assert texts[("Alpha", "r2")] == ("10", "white")  # darkest cell: white text
    assert ("b", "r2") not in texts  # NaN stays blank
    assert fig.layout.yaxis.autorange == "reversed"


def test_annotated_heatmap_rejects_empty():
    with pytest.raises(ValueError, match="non-empty"):
        figures.annotated_heatmap(pd.DataFrame(), title="t")


@pytest.mark.parametrize(("rgb", "colour"), [((255, 255, 255), "black"), ((8, 29, 88), "white")])
def test_text_colour(rgb, colour):
    assert figures.text_colour(rgb) == colour


def test_colour_bins_zero_is_grey_and_classes_cover_the_range():
    bins = figures.colour_bins(36)
    assert bins[0] == (0, 0, figures.ZERO_RGB)
    assert bins[1][0] == 1 and bins[-1][1] == 36
    assert all(lo <= hi for lo, hi, _ in bins)
    assert figures.bin_colour(0, bins) == list(figures.ZERO_RGB)
    assert figures.colour_bins(0) == [(0, 0, figures.ZERO_RGB)]


def test_world_map_layers_and_small_states():
    geo = {
        "features": [
            {
                "properties": {"iso3": "KEN"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[35, 0], [36, 0], [36, 1], [35, 0]]],
                },
            },
            {
                "properties": {"iso3": "", "name": "Disputed"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[1, 1], [2, 1], [2, 2], [1, 1]]]],
                },
            },
        ]
    }
    shapes = polygon_records(geo)
    assert list(shapes["name"]) == ["Kenya", "Disputed"]
    points = pd.DataFrame(
        {
            "iso3": ["TUV"],
            "name": ["Tuvalu"],
            "lon": [179.2],
            "lat": [-8.5],
            "area_km2": [26.0],
            "small": [True],
        }
    )
    deck = figures.world_coverage_map(
        shapes, points, pd.Series({"KEN": 3, "TUV": 1}), "mappings", highlight="TUV"
    )
    layers = {layer.id: layer for layer in deck.layers}
    assert set(layers) == {"countries", "small_states"}
    small = pd.DataFrame(layers["small_states"].data)
    assert small["iso3"].tolist() == ["TUV"] and small["value"].tolist() == [1]
    assert small["line"].tolist() == [[0, 0, 0]]  # highlighted
    assert deck.map_provider is None  # no basemap: nothing fetched from the web
    # Streamlit fetches CARTO's basemap style unless mapStyle is pydeck's default sentinel.
    assert json.loads(deck.to_json()).get("mapStyle") == "__MAP_STYLE__"
    polys = pd.DataFrame(layers["countries"].data)
    assert polys.loc[polys["iso3"] == "KEN", "value"].tolist() == [3]


def test_bar_chart_sorted_with_labels():
    fig = figures.bar_chart(
        pd.Series({"a": 1, "b": 3}), title="t", x_title="n", labels={"b": "Bee"}
    )
    assert list(fig.data[0].y) == ["a", "Bee"]  # largest at the top of a horizontal bar


def test_flow_sankey():
    flows = pd.DataFrame({"source": ["EU", "EU"], "region": ["Africa", "Asia"], "projects": [3, 1]})
    fig = figures.flow_sankey(flows, title="t")
    assert list(fig.data[0].node.label) == ["EU", "Africa", "Asia"]
    assert list(fig.data[0].link.value) == [3, 1]


def test_map_legend_is_html_with_one_box_per_class():
    legend = figures.map_legend(36, "mappings covering <it>")
    bins = figures.colour_bins(36)
    assert legend.count("<span") == len(bins)
    assert ">0</span>" in legend and f">{bins[1][0]}–{bins[1][1]}</span>" in legend
    assert "rgb(" in legend and "&lt;it&gt;" in legend  # the label is escaped


def test_annotated_heatmap_without_values_has_hover_only():
    m = pd.DataFrame([[0, 1], [1, 0]] * 30, columns=["a", "b"])  # 120 cells: text if shown
    shown = figures.annotated_heatmap(m, title="t")
    assert shown.data[0].texttemplate == "%{z:.0f}"
    bare = figures.annotated_heatmap(m, title="t", show_values=False)
    assert bare.data[0].texttemplate is None and not bare.layout.annotations
    assert bare.data[0].showscale is False


def test_annotated_heatmap_over_text_limit_has_hover_and_colour_bar():
    big = pd.DataFrame([[0, 1], [1, 0]] * 38, columns=["a", "b"])  # 152 cells > 150
    fig = figures.annotated_heatmap(big, title="t")
    assert fig.data[0].texttemplate is None and not fig.layout.annotations
    assert fig.data[0].showscale is not False and "%{z}" in fig.data[0].hovertemplate
