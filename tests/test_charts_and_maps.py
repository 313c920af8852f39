"""Chart and map builders: data and layout, never pixels."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cbdash.data import geometry
from cbdash.data.geo import polygon_records
from cbdash.present import charts, world_map
from cbdash.present.world_map import map_geometry


def test_annotated_heatmap_numbers_and_contrast():
    m = pd.DataFrame([[0, 5], [10, float("nan")]], index=["r1", "r2"], columns=["a", "b"])
    fig = charts.annotated_heatmap(m, title="t", x_labels={"a": "Alpha"})
    assert list(fig.data[0].x) == ["Alpha", "b"]
    texts = {(a.x, a.y): (a.text, a.font.color) for a in fig.layout.annotations}
    assert texts[("Alpha", "r1")] == ("0", "black")  # lightest cell: black text
    assert texts[("Alpha", "r2")] == ("10", "white")  # darkest cell: white text
    assert ("b", "r2") not in texts  # NaN stays blank
    assert fig.layout.yaxis.autorange == "reversed"


def test_annotated_heatmap_rejects_empty():
    with pytest.raises(ValueError, match="non-empty"):
        charts.annotated_heatmap(pd.DataFrame(), title="t")


@pytest.mark.parametrize(("rgb", "colour"), [((255, 255, 255), "black"), ((8, 29, 88), "white")])
def test_text_colour(rgb, colour):
    assert charts.text_colour(rgb) == colour


def test_colour_bins_zero_is_grey_and_classes_cover_the_range():
    bins = world_map.colour_bins(36)
    assert bins[0] == (0, 0, charts.ZERO_RGB)
    assert bins[1][0] == 1 and bins[-1][1] == 36
    assert all(lo <= hi for lo, hi, _ in bins)
    assert world_map.bin_colour(0, bins) == list(charts.ZERO_RGB)
    assert world_map.colour_bins(0) == [(0, 0, charts.ZERO_RGB)]


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
    deck = world_map.world_coverage_map(
        map_geometry(shapes, points), pd.Series({"KEN": 3, "TUV": 1}), "mappings", highlight="TUV"
    )
    layers = {layer.id: layer for layer in deck.layers}
    assert set(layers) == {"countries", "borders", "small_states", "selected_ring"}
    small = pd.DataFrame(layers["small_states"].data)
    assert small["iso3"].tolist() == ["TUV"] and small["value"].tolist() == [1]
    ring = layers["selected_ring"]  # the chosen small state: an orange ring at its point
    assert ring.data == [{"lon": 179.2, "lat": -8.5}]
    assert ring.get_line_color == world_map.HIGHLIGHT_RGB and ring.filled is False
    assert deck.map_provider is None  # no basemap: nothing fetched from the web
    # Streamlit fetches CARTO's basemap style unless mapStyle is pydeck's default sentinel.
    assert json.loads(deck.to_json()).get("mapStyle") == "__MAP_STYLE__"
    polys = pd.DataFrame(layers["countries"].data)
    assert polys.loc[polys["iso3"] == "KEN", "value"].tolist() == [3]


def test_bar_chart_keeps_the_order_first_on_top_with_labels_and_hover():
    fig = charts.bar_chart(
        pd.Series({"b": 3, "a": 1}),
        title="t",
        x_title="n",
        labels={"b": "Bee"},
        hover=["Bee <full>", "A"],
        text=["3 x", "1 x"],
    )
    bar = fig.data[0]
    assert list(bar.y) == ["Bee", "a"] and fig.layout.yaxis.autorange == "reversed"
    assert list(bar.customdata) == ["Bee &lt;full&gt;", "A"]  # escaped for plotly's HTML
    assert list(bar.text) == ["3 x", "1 x"]
    assert list(fig.layout.xaxis.tickvals) == [0, 1, 2, 3]  # whole numbers, none past 3
    assert fig.layout.xaxis.range[1] > 3  # room for the text right of the longest bar


def test_flow_sankey():
    flows = pd.DataFrame({"source": ["EU", "EU"], "region": ["Africa", "Asia"], "projects": [3, 1]})
    fig = charts.flow_sankey(flows, title="t")
    assert list(fig.data[0].node.label) == ["EU", "Africa", "Asia"]
    assert list(fig.data[0].link.value) == [3, 1]


def test_count_colour_bar_has_whole_number_ticks():
    from cbdash.present.charts import _count_colorbar

    assert _count_colorbar(28, "n")["tickvals"] == [0, 6, 12, 18, 24]
    assert _count_colorbar(3, "n")["tickvals"] == [0, 1, 2, 3]
    assert _count_colorbar(0, "n")["tickvals"] == [0, 1]


def test_world_view_fits_the_map_height():
    """The zoom fits WORLD_SOUTH..WORLD_NORTH into MAP_HEIGHT px, centred; the world is
    then narrower than the 820 px map of a 1280 px window."""
    import math

    def y(lat: float) -> float:  # Web Mercator y in px at the map's zoom
        scale = 512 * 2**world_map.WORLD_ZOOM / (2 * math.pi)
        return scale * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span = y(world_map.WORLD_NORTH) - y(world_map.WORLD_SOUTH)
    assert abs(span - world_map.MAP_HEIGHT) < 1
    centre = y(world_map.WORLD_LATITUDE)
    assert abs(centre - (y(world_map.WORLD_NORTH) + y(world_map.WORLD_SOUTH)) / 2) < 1
    assert 512 * 2**world_map.WORLD_ZOOM < 820 - 40


def test_map_legend_is_html_with_one_box_per_class():
    legend = world_map.map_legend(36, "mappings covering <it>")
    bins = world_map.colour_bins(36)
    assert legend.count("<span") == len(bins)
    assert ">0</span>" in legend and f">{bins[1][0]}–{bins[1][1]}</span>" in legend
    assert "rgb(" in legend and "&lt;it&gt;" in legend  # the label is escaped


def test_annotated_heatmap_without_values_has_hover_only():
    m = pd.DataFrame([[0, 1], [1, 0]] * 30, columns=["a", "b"])  # 120 cells: text if shown
    shown = charts.annotated_heatmap(m, title="t")
    assert shown.data[0].texttemplate == "%{z:.0f}"
    bare = charts.annotated_heatmap(m, title="t", show_values=False)
    assert bare.data[0].texttemplate is None and not bare.layout.annotations
    assert bare.data[0].showscale is False


def test_annotated_heatmap_over_text_limit_has_hover_and_colour_bar():
    big = pd.DataFrame([[0, 1], [1, 0]] * 38, columns=["a", "b"])  # 152 cells > 150
    fig = charts.annotated_heatmap(big, title="t")
    assert fig.data[0].texttemplate is None and not fig.layout.annotations
    assert fig.data[0].showscale is not False and "%{z}" in fig.data[0].hovertemplate


def _square(x: float, y: float, iso3: str, size: float = 1.0) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"iso3": iso3, "name": iso3, "polygon": [ring]}


def test_shared_borders_are_the_edges_of_two_neighbours_each_once():
    # A and B share the edge x=1 (0..1); C is an island: no border, however long its coast.
    shapes = pd.DataFrame([_square(0, 0, "AAA"), _square(1, 0, "BBB"), _square(5, 5, "CCC")])
    assert geometry.shared_borders(shapes) == [[1.0, 0.0, 1.0, 1.0]]


def test_shared_borders_chain_into_paths_and_meet_at_junctions():
    # A (0..2 x 0..1, with a vertex at (1, 1)) borders B and C above it, which border each
    # other along x=1: three chains meeting at the junction (1, 1).
    a = {"iso3": "AAA", "name": "A", "polygon": [[[0, 0], [2, 0], [2, 1], [1, 1], [0, 1], [0, 0]]]}
    shapes = pd.DataFrame([a, _square(0, 1, "BBB"), _square(1, 1, "CCC")])
    paths = geometry.shared_borders(shapes)
    assert sorted(paths) == [
        [0.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 2.0],
        [1.0, 1.0, 2.0, 1.0],
    ]


def test_simplified_neighbours_keep_their_border_and_the_map_draws_it_once():
    # Two neighbours whose common border zigzags: simplified, both get the same vertices,
    # so the border is still found, and the deck draws it as one layer of paths.
    zig = [[1 + 0.01 * (i % 2), i / 10] for i in range(11)]  # x=1 +- a hundredth, y 0..1
    a = [[0, 0], *zig, [0, 1], [0, 0]]
    b = [*zig, [2, 1], [2, 0], zig[0]]
    shapes = pd.DataFrame(
        [{"iso3": "AAA", "name": "A", "polygon": [a]}, {"iso3": "BBB", "name": "B", "polygon": [b]}]
    )
    simple = geometry.simplify_shapes(shapes, tolerance=0.2, min_area_km2=0)
    assert len(simple["polygon"][0][0]) < len(a)  # the zigzag is gone ...
    assert geometry.shared_borders(simple) == [[1.0, 0.0, 1.0, 1.0]]  # ... but not the border
    points = pd.DataFrame(columns=["iso3", "name", "lon", "lat", "area_km2", "small"])
    points["small"] = points["small"].astype(bool)
    deck = world_map.world_coverage_map(
        map_geometry(simple, points), pd.Series({"AAA": 1}), "mappings"
    )
    spec = json.loads(deck.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["borders"]["data"] == [{"p": [1.0, 0.0, 1.0, 1.0]}]
    assert layers["borders"]["pickable"] is False
    assert layers["countries"]["stroked"] is False  # coasts get no line
    chosen = world_map.world_coverage_map(
        map_geometry(simple, points), pd.Series({"AAA": 1}), "m", highlight="AAA"
    )
    order = [layer["id"] for layer in json.loads(chosen.to_json())["layers"]]
    # the chosen country's orange outline (on a white halo) is drawn over the borders
    assert order == ["countries", "borders", "selected_halo", "selected_country", "small_states"]


def test_annotated_heatmap_height_follows_its_rows():
    """Each row gets HEATMAP_ROW_PX (at least HEATMAP_MIN_ROWS rows), over the title and
    the column labels: 6 rows of slanted 12-character labels, by hand (12 x 15 x 0.6 x sin 35°,
    15 x cos 35°): 60 + 6 x 32 +
    ceil(61.95 + 12.29 + 10) = 60 + 192 + 85 = 337 px."""
    labels = ["x" * 12, "y" * 12]
    six = pd.DataFrame(1.0, index=[f"r{i}" for i in range(6)], columns=labels)
    fig = charts.annotated_heatmap(six, title="t")
    assert fig.layout.height == 337
    assert fig.layout.margin.b == 85
    assert fig.layout.xaxis.tickangle == -35
    assert charts.annotated_heatmap(six.head(2), title="t").layout.height == 60 + 4 * 32 + 85
    plot_area = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert plot_area / 6 >= 28  # readable rows, whatever the window's width
    wide = pd.DataFrame(1.0, index=["r"], columns=[f"c{i:02d}" for i in range(13)])
    assert charts.annotated_heatmap(wide, title="t").layout.xaxis.tickangle == -90
