"""World maps drawn offline from the shipped country shapes: the app's pydeck map (clicks,
zoom) and the presentation's plotly map (saves as PNG). Both take the same prepared data:
`map_geometry` (shapes and points, encoded once per data change) and `country_classes`
(each country's value, class and colour), so the two maps always agree.
"""

from __future__ import annotations

import html
import json
import math
import re
import weakref
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from cbdash.data.geometry import shared_borders
from cbdash.present.charts import (
    FONT,
    NO_SHAPE_RGB,
    ZERO_RGB,
    chart_template,
    scale_rgb,
    text_colour,
)

# The app's maps are MAP_HEIGHT px tall, so that a page's title, sentence, choices, map and
# legend fit the first screen of a 1280x720 window. Web Mercator at zoom z is 512 * 2**z px
# wide; WORLD_ZOOM fits the latitudes from WORLD_SOUTH (below South Georgia's marker, the
# southernmost small state) to WORLD_NORTH (the high Arctic islands are cut) into that
# height: about 575 px wide, so the whole world, from Wallis and Futuna (176 W) to Tuvalu
# (179 E), fits the 820 px map of a 1280 px wide window (sidebar open) with every small
# state's marker whole. WORLD_LATITUDE centres that band.
MAP_HEIGHT = 300
WORLD_SOUTH, WORLD_NORTH = -58.0, 75.0


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


_SPAN = _mercator_y(WORLD_NORTH) - _mercator_y(WORLD_SOUTH)  # radians of Mercator y
WORLD_ZOOM = round(math.log2(MAP_HEIGHT * 2 * math.pi / (512 * _SPAN)), 3)
WORLD_LATITUDE = round(
    math.degrees(2 * math.atan(math.exp((_mercator_y(WORLD_NORTH) + _mercator_y(WORLD_SOUTH)) / 2)))
    - 90,
    2,
)
# The plotly map's x range: beyond +-180 so that the markers of Tonga or Tuvalu are whole.
LON_EDGE = 186
HIGHLIGHT_RGB = [230, 85, 13]  # the chosen country's outline and ring: orange on every fill

Bins = list[tuple[int, int, tuple[int, int, int]]]


def colour_bins(vmax: int, n: int = 6) -> Bins:
    """Class breaks for a count map: (low, high, rgb), zero in its own grey class."""
    bins: Bins = [(0, 0, ZERO_RGB)]
    if vmax <= 0:
        return bins
    n = min(n, vmax)
    edges = np.unique(np.ceil(np.linspace(0, vmax, n + 1)).astype(int))
    for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        fraction = 0.15 + 0.85 * (k / max(1, len(edges) - 2))
        bins.append((int(lo) + 1, int(hi), scale_rgb(fraction)))
    return bins


def bin_colour(value: float, bins: Bins) -> list[int]:
    """RGB list for a value given the class breaks."""
    for lo, hi, rgb in bins:
        if lo <= value <= hi:
            return list(rgb)
    return list(bins[-1][2])


def map_legend(vmax: int, value_label: str) -> str:
    """A one-row legend for the maps as HTML: what the colours count, then one coloured box
    per class with its range. HTML rather than a chart, so the map page loads no plotly.js.
    `value_label` is escaped."""
    items = [(str(lo) if lo == hi else f"{lo}–{hi}", rgb) for lo, hi, rgb in colour_bins(vmax)]
    return category_legend(items, value_label)


def category_legend(items: list[tuple[str, tuple[int, int, int]]], title: str) -> str:
    """The legend's HTML for named classes: `title`, then one box per (label, rgb). Every
    text is escaped."""
    boxes = "".join(
        f'<span style="background:rgb{tuple(rgb)};color:{text_colour(rgb)};flex:1;'
        f'text-align:center;padding:2px 4px">{html.escape(label)}</span>'
        for label, rgb in items
    )
    return (  # one line when the title leaves room for the boxes, else two
        '<div class="cbdash-map-legend" style="font-size:14px;display:flex;flex-wrap:wrap;'
        'align-items:center;column-gap:12px;row-gap:4px">'
        f'<div style="flex:0 1 auto">{html.escape(title)}</div>'
        f'<div style="display:flex;gap:2px;flex:1 1 360px">{boxes}</div></div>'
    )


class MapGeometry(NamedTuple):
    """What both maps draw, prepared once per data change: the shapes (one row per
    polygon: iso3, name, polygon), the points (iso3, name, lon, lat, small), each polygon
    as deck.gl JSON text and the borders between neighbours as deck.gl JSON text."""

    shapes: pd.DataFrame
    points: pd.DataFrame
    polygons_json: list[str]
    borders_json: str


def map_geometry(shapes: pd.DataFrame, points: pd.DataFrame) -> MapGeometry:
    """Encode the shipped shapes for deck.gl once (the shapes are simplified at build time
    by scripts/build_geometry.py). A single-ring polygon is a flat [x0, y0, x1, y1, ...]
    list, a third smaller in JSON."""
    polygons = [json.dumps(_flat(p), separators=(",", ":")) for p in shapes["polygon"]]
    borders = json.dumps([{"p": path} for path in shared_borders(shapes)], separators=(",", ":"))
    return MapGeometry(shapes, points, polygons, borders)


def _flat(polygon: list) -> list:
    if len(polygon) == 1:
        return [c for point in polygon[0] for c in point[:2]]
    return polygon


class CountryClasses(NamedTuple):
    """Each shape's and each small state's value and fill colour under one set of classes."""

    bins: Bins
    shape_values: list[int]
    shape_fills: list[list[int]]
    small: pd.DataFrame  # the small states' points with `value` and `fill`


def country_classes(
    geometry: MapGeometry, values: pd.Series, bins: Bins | None = None
) -> CountryClasses:
    """Classes of `values` (index iso3; a country absent counts 0) for the shapes and the
    small states' markers; a shape with no ISO code (e.g. Somaliland) is "no data" grey.
    `bins` are the classes (default: `colour_bins` of the largest value)."""
    if bins is None:
        bins = colour_bins(int(values.max()) if len(values) else 0)
    colours: dict[int, list[int]] = {}

    def colour(v: int) -> list[int]:
        if v not in colours:
            colours[v] = bin_colour(v, bins)
        return colours[v]

    shapes = geometry.shapes
    counts = values.reindex(shapes["iso3"]).fillna(0).astype(int).tolist()
    fills = [
        colour(v) if iso3 else list(NO_SHAPE_RGB)
        for iso3, v in zip(shapes["iso3"].tolist(), counts, strict=True)
    ]
    small = geometry.points[geometry.points["small"]].copy()
    small["value"] = values.reindex(small["iso3"]).fillna(0).astype(int).to_numpy()
    small["fill"] = [colour(v) for v in small["value"]]
    return CountryClasses(bins, counts, fills, small)


# The app's map (pydeck) ------------------------------------------------------------------


def world_coverage_map(
    geometry: MapGeometry,
    values: pd.Series,
    value_label: str,
    highlight: str | None = None,
    zoom: float = WORLD_ZOOM,
    *,
    bins: Bins | None = None,
    value_names: dict[int, str] | None = None,
    notes: pd.Series | None = None,
) -> pdk.Deck:
    """Offline world map: country polygons coloured by `values` (index iso3) plus a marker for
    each small state. No basemap, so nothing is fetched from the web: `map_provider=None` and
    pydeck's default `map_style` (a sentinel Streamlit reads as "no basemap"); an explicit
    `map_style=None` would make Streamlit fetch CARTO's basemap style.

    Layers have ids "countries" and "small_states"; their objects carry iso3 and name, so a
    click selection names the country. The "borders" layer draws the lines between
    neighbours only: country outlines would also trace every coast, and in a
    software-rendered browser lines are what a frame spends its time on. A `highlight`
    country gets an orange outline over a white halo (layers "selected_halo" and
    "selected_country", if it has a shape) and an orange ring at its point ("selected_ring"),
    so that a small or dark country is found at a glance. `bins` and `value_names` (class
    value -> words, shown on hover) draw named classes instead of counts. `notes` (index
    iso3; text, '' for none) adds a line to a country's hover, e.g. where its value comes
    from. The deck serialises to compact JSON (`CompactDeck`) with the polygons encoded
    once per data change.
    """
    classes = country_classes(geometry, values, bins)
    shapes = geometry.shapes
    shown = (lambda v: value_names.get(v, str(v))) if value_names else (lambda v: v)
    note = _note_of(notes)
    polygons = [
        {
            "iso3": iso3,
            "name": name,
            "value": shown(v),
            "polygon": f"{_RAW_TOKEN}{i}",
            "fill": fill,
        }
        | note(iso3)
        for i, (iso3, name, v, fill) in enumerate(
            zip(
                shapes["iso3"].tolist(),
                shapes["name"].tolist(),
                classes.shape_values,
                classes.shape_fills,
                strict=True,
            )
        )
    ]
    raw = [*geometry.polygons_json, geometry.borders_json]
    layers = [
        _country_layer(polygons),
        _borders_layer(f"{_RAW_TOKEN}{len(raw) - 1}"),
        _small_state_layer(classes.small, shown, note),
    ]
    outline = [{"polygon": p["polygon"]} for p in polygons if highlight and p["iso3"] == highlight]
    if outline:  # the chosen country's border, drawn over the borders between neighbours
        layers[2:2] = [_outline_layer(outline, halo=True), _outline_layer(outline)]
    point = geometry.points[geometry.points["iso3"] == highlight] if highlight else None
    if point is not None and len(point):
        layers.append(_ring_layer(float(point["lon"].iloc[0]), float(point["lat"].iloc[0])))
    deck = CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(
            latitude=WORLD_LATITUDE, longitude=0, zoom=zoom, min_zoom=0, max_zoom=8
        ),
        map_provider=None,
        tooltip={
            "text": "{name}\n" + value_label + ": {value}" + ("" if notes is None else "{note}")
        },
        views=[pdk.View(type="MapView", controller=True)],
    )
    _RAW_JSON[deck] = raw
    return deck


def _note_of(notes: pd.Series | None) -> Callable[[str], dict[str, str]]:
    """A country's hover note as a data field ({} without notes): the note on a line of
    its own, or ''."""
    if notes is None:
        return lambda _iso3: {}
    lines = {str(k): f"\n{v}" for k, v in notes.items() if isinstance(v, str) and v}
    return lambda iso3: {"note": lines.get(iso3, "")}


def _country_layer(polygons: list[dict]) -> pdk.Layer:
    return pdk.Layer(
        "PolygonLayer",
        data=polygons,
        id="countries",
        get_polygon="polygon",
        get_fill_color="fill",
        position_format=pdk.types.String("XY"),
        stroked=False,  # the borders layer draws the lines (coasts need none)
        filled=True,
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 140, 0, 200],
    )


def _borders_layer(data: str) -> pdk.Layer:
    """Borders between neighbours only, as white paths over the fills."""
    return pdk.Layer(
        "PathLayer",
        data=data,
        id="borders",
        get_path="p",
        get_color=[255, 255, 255],
        position_format=pdk.types.String("XY"),
        width_min_pixels=0.6,
        pickable=False,
    )


def _small_state_layer(
    small: pd.DataFrame,
    shown: Callable[[int], object],
    note: Callable[[str], dict[str, str]] = lambda _iso3: {},
) -> pdk.Layer:
    markers = [
        {
            "iso3": iso3,
            "name": name,
            "value": shown(int(v)),
            "lon": float(lon),
            "lat": float(lat),
            "fill": fill,
        }
        | note(iso3)
        for iso3, name, lon, lat, v, fill in zip(
            small["iso3"],
            small["name"],
            small["lon"],
            small["lat"],
            small["value"],
            small["fill"],
            strict=True,
        )
    ]
    return pdk.Layer(
        "ScatterplotLayer",
        data=markers,
        id="small_states",
        get_position=["lon", "lat"],
        get_fill_color="fill",
        get_line_color=[60, 60, 60],
        stroked=True,
        line_width_min_pixels=1.2,
        radius_min_pixels=5,
        radius_max_pixels=9,
        get_radius=30000,
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 140, 0, 220],
    )


def _outline_layer(outline: list[dict], halo: bool = False) -> pdk.Layer:
    """The chosen country's outline in orange, or (`halo`) a wider white line under it."""
    return pdk.Layer(
        "PolygonLayer",
        data=outline,
        id="selected_halo" if halo else "selected_country",
        get_polygon="polygon",
        get_line_color=[255, 255, 255] if halo else HIGHLIGHT_RGB,
        position_format=pdk.types.String("XY"),
        line_width_min_pixels=6 if halo else 2.5,
        stroked=True,
        filled=False,
        pickable=False,
    )


def _ring_layer(lon: float, lat: float) -> pdk.Layer:
    """An orange ring around the chosen country's point (its marker, for a small state)."""
    return pdk.Layer(
        "ScatterplotLayer",
        data=[{"lon": lon, "lat": lat}],
        id="selected_ring",
        get_position=["lon", "lat"],
        get_radius=1,
        radius_min_pixels=13,
        stroked=True,
        filled=False,
        get_line_color=HIGHLIGHT_RGB,
        line_width_min_pixels=3,
        pickable=False,
    )


_RAW_TOKEN = "@@cbdash-raw:"
_RAW_PATTERN = re.compile('"' + re.escape(_RAW_TOKEN) + r'(\d+)"')
_RAW_JSON: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class CompactDeck(pdk.Deck):
    """A pydeck Deck whose JSON has no indentation. pydeck indents by two spaces, which
    makes Python's JSON encoder fall back from C to pure Python (seconds for a world map)
    and nearly doubles the bytes sent to the browser on every rerun. A data value
    "@@cbdash-raw:<i>" is replaced by the i-th JSON text registered for the deck (polygons
    encoded once per data change rather than on every rerun)."""

    def to_json(self) -> str:
        # Encoded once: a deck kept between reruns (see Model.memo) is not changed again.
        cached = getattr(self, "_cbdash_json", None)
        if cached is not None:
            return cached
        text = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
        raw = _RAW_JSON.get(self)
        if raw is not None:
            text = _RAW_PATTERN.sub(lambda m: raw[int(m.group(1))], text)
        self._cbdash_json = text
        return text


# The presentation's map (plotly) ---------------------------------------------------------


def world_choropleth(
    geometry: MapGeometry,
    values: pd.Series,
    value_label: str,
    *,
    title: str,
    max_ring_points: int = 300,
) -> go.Figure:
    """A plotly world map of the same classes as `world_coverage_map`, drawn from the
    shipped polygons as plain x/y (no geo topojson from a CDN), so it renders offline and
    saves as PNG. Small states get a circle; hover names each country."""
    if geometry.shapes.empty:
        raise ValueError("world_choropleth needs country shapes")
    classes = country_classes(geometry, values)
    fig = go.Figure(_class_traces(geometry, classes, max_ring_points))
    fig.add_trace(_small_state_trace(classes.small))
    fig.add_trace(_hover_trace(geometry.points, values, value_label))
    fig.update_layout(
        title=dict(text=title),
        font=FONT,
        height=520,
        margin=dict(l=0, r=0, t=60, b=0),
        plot_bgcolor="white",
        xaxis=dict(visible=False, range=[-LON_EDGE, LON_EDGE], constrain="domain"),
        yaxis=dict(
            visible=False, range=[-58, 85], scaleanchor="x", scaleratio=1, constrain="domain"
        ),
        legend=dict(title=dict(text=value_label), orientation="h", x=0, y=-0.02, yanchor="top"),
        hovermode="closest",
        template=chart_template(),
    )
    return fig


def _class_traces(
    geometry: MapGeometry, classes: CountryClasses, max_ring_points: int
) -> list[go.Scatter]:
    """One filled trace per class (a legend entry each), outer rings thinned for speed."""
    traces = []
    for lo, hi, rgb in classes.bins:
        xs: list[float | None] = []
        ys: list[float | None] = []
        for polygon, value in zip(geometry.shapes["polygon"], classes.shape_values, strict=True):
            if lo <= value <= hi:
                ring = polygon[0]
                pts = ring[:: max(1, len(ring) // max_ring_points)]
                xs += [p[0] for p in pts] + [None]
                ys += [p[1] for p in pts] + [None]
        if xs:
            traces.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    fill="toself",
                    fillcolor=f"rgb{rgb}",
                    line=dict(color="white", width=0.5),
                    name=f"{lo}" if lo == hi else f"{lo}–{hi}",
                    hoverinfo="skip",
                )
            )
    return traces


def _small_state_trace(small: pd.DataFrame) -> go.Scatter:
    return go.Scatter(
        x=small["lon"],
        y=small["lat"],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker=dict(
            size=9,
            color=[f"rgb{tuple(fill)}" for fill in small["fill"]],
            line=dict(color="#333333", width=1),
        ),
    )


def _hover_trace(points: pd.DataFrame, values: pd.Series, value_label: str) -> go.Scatter:
    """Invisible markers at every country's point: the hover names it and its value."""
    pts = points.assign(value=values.reindex(points["iso3"]).fillna(0).astype(int).to_numpy())
    return go.Scatter(
        x=pts["lon"],
        y=pts["lat"],
        mode="markers",
        marker=dict(size=12, opacity=0),
        customdata=pts[["name", "value"]].to_numpy(),
        showlegend=False,
        hovertemplate="%{customdata[0]}<br>"
        + html.escape(value_label)
        + ": %{customdata[1]}<extra></extra>",
    )
