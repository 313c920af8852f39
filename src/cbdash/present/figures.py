"""Figure builders: DataFrames in, plotly figures or pydeck decks out, never displayed here.

Colours: one sequential ColorBrewer scale (YlGnBu, readable by colour-blind viewers and on
a projector) for every count; zero is a separate light grey so that "none" stands out.
Cell numbers are black or white, whichever contrasts with the cell colour.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import weakref
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pydeck as pdk
from plotly.colors import sample_colorscale
from pydeck.bindings.json_tools import default_serialize

SCALE = [
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
]
PLOTLY_SCALE = [[i / (len(SCALE) - 1), c] for i, c in enumerate(SCALE)]
ZERO_RGB = (225, 225, 225)
NO_SHAPE_RGB = (200, 200, 200)
# Web Mercator at zoom z is 512 * 2**z px wide: 0.6 gives 776 px, so the whole world, from
# Tonga to Tuvalu across the antimeridian, fits the ~820 px map of a 1280 px wide window.
WORLD_ZOOM = 0.6
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=15)
X_LABEL_CHARS = 28  # heatmap column labels are cut to this many characters
Y_LABEL_CHARS = 42  # and row labels to this many
MAX_ANNOTATED_CELLS = 100  # numbers as coloured annotations up to this many cells
# Numbers as heatmap cell text up to this many cells; beyond, in the hover only (and the colour
# bar). Each cell label is an SVG text node that plotly.js measures: about 1 ms per label on
# every redraw in a software-rendered browser (a 15 x 15 overlap matrix spent ~200 ms of its
# ~250 ms redraw on its labels), and numbers do not fit cells that small anyway.
MAX_TEXT_CELLS = 150


def _luminance(rgb: Sequence[float]) -> float:
    r, g, b = (c / 255 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour(rgb: Sequence[float]) -> str:
    """Black on light cells, white on dark cells."""
    return "black" if _luminance(rgb) > 0.45 else "white"


@functools.lru_cache(maxsize=4096)
def scale_rgb(fraction: float) -> tuple[int, int, int]:
    """RGB on the sequential scale for a fraction in [0, 1]."""
    colour = sample_colorscale(PLOTLY_SCALE, [min(max(fraction, 0.0), 1.0)])[0]
    parts = colour[colour.index("(") + 1 : colour.index(")")].split(",")
    return tuple(int(round(float(p))) for p in parts[:3])  # type: ignore[return-value]


def short_labels(labels: list[str], limit: int = 42) -> list[str]:
    """Labels cut to `limit` characters with an ellipsis, kept unique (a cut label that
    collides with another gets a number)."""
    out: list[str] = []
    seen: set[str] = set()
    for label in labels:
        short = label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
        base, n = short, 2
        while short in seen:
            short, n = f"{base} ({n})", n + 1
        seen.add(short)
        out.append(short)
    return out


def annotated_heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    x_title: str = "",
    y_title: str = "",
    number_format: str = "{:.0f}",
    zmax: float | None = None,
    x_labels: dict[str, str] | None = None,
    y_labels: dict[str, str] | None = None,
    show_values: bool = True,
) -> go.Figure:
    """Heatmap with the value printed in each cell (blank for NaN), text colour for contrast.
    With `show_values=False` (a 0/1 matrix, where the colour says it all) values are in the
    hover only and there is no colour bar, which makes a large chart much quicker to draw.

    Up to `MAX_ANNOTATED_CELLS` cells the numbers are layout annotations coloured by
    `text_colour`; a larger matrix (up to `MAX_TEXT_CELLS`) prints them as the heatmap's own
    cell text, which plotly colours for contrast itself and which is much cheaper to build,
    send and draw than thousands of annotations. Beyond that, values are in the hover only.
    """
    if matrix.empty:
        raise ValueError("annotated_heatmap needs a non-empty matrix")
    values = matrix.to_numpy(dtype=float)
    top = zmax if zmax is not None else (np.nanmax(values) if np.isfinite(values).any() else 1.0)
    top = top or 1.0
    # Long names (mapping names run to 90 characters) are cut so that the labels do not
    # squeeze the cells; the CSV download next to every chart has them in full.
    xs = short_labels([str((x_labels or {}).get(c, c)) for c in matrix.columns], X_LABEL_CHARS)
    ys = short_labels([str((y_labels or {}).get(r, r)) for r in matrix.index], Y_LABEL_CHARS)
    as_text = show_values and MAX_ANNOTATED_CELLS < values.size <= MAX_TEXT_CELLS
    heatmap: dict = dict(
        type="heatmap",
        z=values,
        x=xs,
        y=ys,
        zmin=0,
        zmax=top,
        colorscale=PLOTLY_SCALE,
        xgap=1,
        ygap=1,
        hovertemplate=f"{y_title or 'row'}: %{{y}}<br>{x_title or 'column'}: %{{x}}"
        "<br>value: %{z}<extra></extra>",
        colorbar=dict(title=dict(text="")),
    )
    if not show_values:
        heatmap["showscale"] = False  # a 0/1 matrix: the title says what dark means
    if as_text:
        # plotly.js formats each cell's z itself: no array of strings to build, copy and send
        heatmap["texttemplate"] = "%{z:" + _d3_format(number_format) + "}"
        heatmap["textfont"] = dict(size=13)
    layout: dict = dict(
        title=dict(text=title),
        font=FONT,
        xaxis=dict(title=dict(text=x_title), side="bottom", tickangle=-35),
        yaxis=dict(title=dict(text=y_title), autorange="reversed"),
        height=max(320, 140 + 28 * len(ys)),
        margin=dict(l=10, r=10, t=60, b=10),
        plot_bgcolor="white",
    )
    if show_values and values.size <= MAX_ANNOTATED_CELLS:
        cells = [
            (i, j) for i in range(len(ys)) for j in range(len(xs)) if not np.isnan(values[i, j])
        ]
        colours = _text_colours([values[i, j] / top for i, j in cells])
        layout["annotations"] = [
            dict(
                x=xs[j],
                y=ys[i],
                text=number_format.format(values[i, j]),
                showarrow=False,
                font=dict(color=colour, size=13),
            )
            for (i, j), colour in zip(cells, colours, strict=True)
        ]
    return _figure([heatmap], layout)


def _d3_format(number_format: str) -> str:
    """The d3 format plotly.js uses for a Python format such as "{:.2f}" (-> ".2f")."""
    match = re.fullmatch(r"\{:([^{}]*)\}", number_format)
    if not match:
        raise ValueError(f"unsupported number format {number_format!r}; use e.g. '{{:.0f}}'")
    return match.group(1)


# What our charts read from the default template (Streamlit's theme in the app): the trace
# defaults of the trace types we draw and the colour cycle. Heatmaps always set their own
# colour scale, so the template's colour scales (and its other trace types) are left out.
TRACE_TYPES = ("bar", "sankey", "scatter")
TEMPLATE_LAYOUT = ("colorway", "font", "paper_bgcolor", "plot_bgcolor")


@functools.lru_cache(maxsize=8)
def _template(name: str) -> dict:
    template = pio.templates[name].to_plotly_json()
    data = template.get("data", {})
    layout = template.get("layout", {})
    return {
        "data": {k: v for k, v in data.items() if k in TRACE_TYPES},
        "layout": {k: v for k, v in layout.items() if k in TEMPLATE_LAYOUT},
    }


def chart_template() -> dict:
    """The default plotly template cut to what cbdash's charts use (see TRACE_TYPES): the
    same look, and a tenth of the nodes that Streamlit copies, walks and sends with every
    chart on every rerun. Set it as a figure's `layout.template`."""
    name = pio.templates.default
    return _template(name) if isinstance(name, str) and name in pio.templates else {}


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A plotly Figure from plain dicts in plotly's canonical form, built without plotly's
    per-property validation (which costs more than everything else a page does: 10 ms for
    a bar chart, a millisecond per heatmap annotation). The figure tests pin the structure."""
    layout.setdefault("template", chart_template())
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def _text_colours(fractions: Sequence[float]) -> list[str]:
    """`text_colour(scale_rgb(f))` for many fractions, sampling the colour scale once."""
    if not fractions:
        return []
    clipped = [min(max(float(f), 0.0), 1.0) for f in fractions]
    colours = []
    for colour in sample_colorscale(PLOTLY_SCALE, clipped):
        parts = colour[colour.index("(") + 1 : colour.index(")")].split(",")
        colours.append(text_colour([int(round(float(p))) for p in parts[:3]]))
    return colours


def bar_chart(
    series: pd.Series, *, title: str, x_title: str, labels: dict[str, str] | None = None
) -> go.Figure:
    """Horizontal bars, largest at the top, with the value at the end of each bar."""
    if series.empty:
        raise ValueError("bar_chart needs at least one value")
    s = series.sort_values(ascending=True)
    names = [str((labels or {}).get(i, i)) for i in s.index]
    bar = dict(
        type="bar",
        x=s.values,
        y=names,
        orientation="h",
        text=np.asarray(s.values, dtype=float),  # as plotly's validator would coerce it
        textposition="outside",
        marker=dict(color=SCALE[6]),
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    layout = dict(
        title=dict(text=title),
        font=FONT,
        xaxis=dict(title=dict(text=x_title)),
        height=max(300, 120 + 30 * len(s)),
        margin=dict(l=10, r=40, t=60, b=10),
        plot_bgcolor="white",
    )
    return _figure([bar], layout)


def colour_bins(vmax: int, n: int = 6) -> list[tuple[int, int, tuple[int, int, int]]]:
    """Class breaks for a count map: (low, high, rgb), zero in its own grey class."""
    bins: list[tuple[int, int, tuple[int, int, int]]] = [(0, 0, ZERO_RGB)]
    if vmax <= 0:
        return bins
    n = min(n, vmax)
    edges = np.unique(np.ceil(np.linspace(0, vmax, n + 1)).astype(int))
    for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        fraction = 0.15 + 0.85 * (k / max(1, len(edges) - 2))
        bins.append((int(lo) + 1, int(hi), scale_rgb(fraction)))
    return bins


def bin_colour(value: float, bins: list[tuple[int, int, tuple[int, int, int]]]) -> list[int]:
    """RGB list for a value given the class breaks."""
    for lo, hi, rgb in bins:
        if lo <= value <= hi:
            return list(rgb)
    return list(bins[-1][2])


def world_coverage_map(
    shapes: pd.DataFrame,
    points: pd.DataFrame,
    values: pd.Series,
    value_label: str,
    highlight: str | None = None,
    height_zoom: float = WORLD_ZOOM,
) -> pdk.Deck:
    """Offline world map: country polygons coloured by `values` (index iso3) plus a marker for
    each small state. No basemap, so nothing is fetched from the web: `map_provider=None` and
    pydeck's default `map_style` (a sentinel Streamlit reads as "no basemap"); an explicit
    `map_style=None` would make Streamlit fetch CARTO's basemap style.

    Layers have ids "countries" and "small_states"; their objects carry iso3 and name, so a
    click selection names the country. The "borders" layer draws the lines between
    neighbours only (`shared_borders`, encoded once by `simplify_shapes`): country outlines
    would also trace every coast, and in a software-rendered browser lines are what a frame
    spends its time on (~1 s for every outline, ~0.2 s for the borders). A `highlight`
    country with a shape also gets a black outline layer, "selected_country" (a small
    state's marker gets a black ring instead).
    The deck serialises to compact JSON (`CompactDeck`) and single-ring polygons are flat
    coordinate lists, so the map costs as few bytes as possible on every rerun.
    """
    vmax = int(values.max()) if len(values) else 0
    bins = colour_bins(vmax)
    colours: dict[int, list[int]] = {}

    def colour(v: int) -> list[int]:
        if v not in colours:
            colours[v] = bin_colour(v, bins)
        return colours[v]

    counts = values.reindex(shapes["iso3"]).fillna(0).astype(int).tolist()
    no_shape = list(NO_SHAPE_RGB)
    # Polygons go into the JSON as text encoded once (simplify_shapes keeps it in a
    # `deck_polygon` column); the records carry a token that CompactDeck.to_json replaces.
    encoded = (
        shapes["deck_polygon"].tolist()
        if "deck_polygon" in shapes
        else [_polygon_json(p) for p in shapes["polygon"]]
    )
    polygons = [
        {
            "iso3": iso3,
            "name": name,
            "value": v,
            "polygon": f"{_RAW_TOKEN}{i}",
            "fill": colour(v) if iso3 else no_shape,
        }
        for i, (iso3, name, v) in enumerate(
            zip(shapes["iso3"].tolist(), shapes["name"].tolist(), counts, strict=True)
        )
    ]
    small = points[points["small"]]
    small_counts = values.reindex(small["iso3"]).fillna(0).astype(int).tolist()
    markers = [
        {
            "iso3": iso3,
            "name": name,
            "value": v,
            "lon": float(lon),
            "lat": float(lat),
            "fill": colour(v),
            "line": [0, 0, 0] if iso3 == highlight else [60, 60, 60],
        }
        for iso3, name, lon, lat, v in zip(
            small["iso3"], small["name"], small["lon"], small["lat"], small_counts, strict=True
        )
    ]
    layers = [
        pdk.Layer(
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
        ),
        pdk.Layer(
            "ScatterplotLayer",
            data=markers,
            id="small_states",
            get_position=["lon", "lat"],
            get_fill_color="fill",
            get_line_color="line",
            stroked=True,
            line_width_min_pixels=1.2,
            radius_min_pixels=5,
            radius_max_pixels=9,
            get_radius=30000,
            pickable=True,
            auto_highlight=True,
            highlight_color=[255, 140, 0, 220],
        ),
    ]
    # Borders between neighbours only, as white paths over the fills: a country's own
    # outline would also trace every coast, white on the white page, invisible, and drawing
    # lines is what costs a software-rendered browser most (about 1 s a frame for all outlines).
    border_paths = (
        shapes.attrs["deck_borders"] if "deck_borders" in shapes.attrs else _borders_json(shapes)
    )
    layers.insert(
        1,
        pdk.Layer(
            "PathLayer",
            data=f"{_RAW_TOKEN}{len(encoded)}",
            id="borders",
            get_path="p",
            get_color=[255, 255, 255],
            position_format=pdk.types.String("XY"),
            width_min_pixels=0.6,
            pickable=False,
        ),
    )
    encoded = [*encoded, border_paths]
    outline = [{"polygon": p["polygon"]} for p in polygons if highlight and p["iso3"] == highlight]
    if outline:  # the chosen country's border, drawn over the borders between neighbours
        layers.insert(
            2,
            pdk.Layer(
                "PolygonLayer",
                data=outline,
                id="selected_country",
                get_polygon="polygon",
                get_line_color=[0, 0, 0],
                position_format=pdk.types.String("XY"),
                line_width_min_pixels=1.5,
                stroked=True,
                filled=False,
                pickable=False,
            ),
        )
    deck = CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(
            latitude=20, longitude=0, zoom=height_zoom, min_zoom=0.3, max_zoom=8
        ),
        map_provider=None,
        tooltip={"text": "{name}\n" + value_label + ": {value}"},
        views=[pdk.View(type="MapView", controller=True)],
    )
    _RAW_JSON[deck] = encoded
    return deck


_RAW_TOKEN = "@@cbdash-raw:"
_RAW_PATTERN = re.compile('"' + re.escape(_RAW_TOKEN) + r'(\d+)"')
_RAW_JSON: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class CompactDeck(pdk.Deck):
    """A pydeck Deck whose JSON has no indentation. pydeck indents by two spaces, which
    makes Python's JSON encoder fall back from C to pure Python (seconds for a world map)
    and nearly doubles the bytes sent to the browser on every rerun. A data value
    "@@cbdash-raw:<i>" is replaced by the i-th JSON text registered for the deck (polygons
    encoded once per model rather than on every rerun)."""

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


def _edge(a: tuple, b: tuple) -> tuple[tuple, tuple]:
    """An undirected edge between two points: the same key whichever way a ring runs."""
    return (a, b) if a <= b else (b, a)


def shared_borders(shapes: pd.DataFrame) -> list[list[float]]:
    """The borders between neighbouring polygons, each once, as flat [x0, y0, x1, y1, ...]
    paths: the edges found in two rings (after `simplify_shapes` a shared border is the
    same vertices in both neighbours), chained end to end where they meet."""
    count: dict[tuple, int] = {}
    for polygon in shapes["polygon"]:
        for ring in polygon:
            points = [(float(p[0]), float(p[1])) for p in ring]
            for a, b in zip(points, points[1:], strict=False):
                if a != b:
                    edge = _edge(a, b)
                    count[edge] = count.get(edge, 0) + 1
    edges = sorted(edge for edge, n in count.items() if n >= 2)
    neighbours: dict[tuple, list[tuple]] = {}
    for a, b in edges:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    unused = set(edges)

    def take(a: tuple, b: tuple) -> bool:
        edge = _edge(a, b)
        if edge in unused:
            unused.discard(edge)
            return True
        return False

    paths: list[list[float]] = []
    # Start at chain ends (a point with one border edge or a junction of three) first,
    # then at whatever is left (closed loops, e.g. an enclave).
    starts = [p for p in sorted(neighbours) if len(neighbours[p]) != 2] + sorted(neighbours)
    for start in starts:
        for nxt in neighbours[start]:
            if not take(start, nxt):
                continue
            path = [start, nxt]
            while len(neighbours[path[-1]]) == 2:
                step = next((q for q in neighbours[path[-1]] if take(path[-1], q)), None)
                if step is None:
                    break
                path.append(step)
            paths.append([c for point in path for c in point])
    return paths


def _borders_json(shapes: pd.DataFrame) -> str:
    """`shared_borders` as the deck.gl data of the map's borders layer (JSON text)."""
    return json.dumps([{"p": path} for path in shared_borders(shapes)], separators=(",", ":"))


def _polygon_json(polygon: list) -> str:
    return json.dumps(_flat(polygon), separators=(",", ":"))


def _flat(polygon: list) -> list:
    """A polygon for deck.gl: one ring (no hole) as a flat [x0, y0, x1, y1, ...] list, which
    is a third smaller in JSON; with holes, the rings as they are."""
    if len(polygon) == 1:
        return [c for point in polygon[0] for c in point[:2]]
    return polygon


def _dp_keep(points: Sequence[tuple[float, float]], tolerance: float) -> list[bool]:
    """Douglas-Peucker on an open chain: which points to keep (both ends always)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = dx * dx + dy * dy
        best, best_d = -1, tol2
        for i in range(a + 1, b):
            px, py = points[i]
            t = 0.0 if norm == 0 else min(1.0, max(0.0, ((px - ax) * dx + (py - ay) * dy) / norm))
            d = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack += [(a, best), (best, b)]
    return keep


def _ring_area_km2(ring: Sequence[Sequence[float]]) -> float:
    """Approximate area of a lon/lat ring (shoelace, scaled at its mean latitude)."""
    twice = sum(
        x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:], strict=False)
    )
    lat = sum(p[1] for p in ring) / len(ring)
    return abs(twice) / 2 * 111.32**2 * math.cos(math.radians(lat))


def simplify_shapes(
    shapes: pd.DataFrame,
    tolerance: float = 0.2,
    min_area_km2: float = 2000.0,
    keep_all: Sequence[str] = (),
) -> pd.DataFrame:
    """World-map geometry for the browser: fewer polygons and vertices, same topology.

    Drops polygons under `min_area_km2` (under a pixel at world zoom) except a country's
    largest and every polygon of the countries in `keep_all` (small states). Then simplifies
    every ring with Douglas-Peucker (`tolerance` in degrees; a pixel is about 0.5 degree at
    world zoom) so that shared borders stay shared: each ring is cut wherever the set of
    rings using an edge changes (where a coast meets a border, or three countries meet),
    each piece is simplified once, and both neighbours get the identical result. A ring that
    would collapse keeps its vertices. Adds `deck_polygon`, each polygon as deck.gl JSON
    text, so that `world_coverage_map` does not encode the geometry again on every rerun.
    """
    if shapes.empty:
        return shapes
    area = shapes["polygon"].map(lambda p: _ring_area_km2(p[0]) if p and len(p[0]) > 2 else 0.0)
    largest = area == area.groupby(shapes["iso3"]).transform("max")
    kept = shapes[(area >= min_area_km2) | largest | shapes["iso3"].isin(set(keep_all))]
    rings = [
        [(float(p[0]), float(p[1])) for p in ring] for poly in kept["polygon"] for ring in poly
    ]
    users: dict[tuple, set[int]] = {}
    for r, ring in enumerate(rings):
        for a, b in zip(ring, ring[1:], strict=False):
            users.setdefault(_edge(a, b), set()).add(r)
    done: dict[tuple, tuple] = {}

    def piece(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        forward = points[0] < points[-1] or (points[0] == points[-1] and points[1] <= points[-2])
        key = tuple(points if forward else points[::-1])
        if key not in done:
            if key[0] == key[-1]:  # a closed loop: anchor at its farthest point as well
                far = max(
                    range(len(key)),
                    key=lambda i: (key[i][0] - key[0][0]) ** 2 + (key[i][1] - key[0][1]) ** 2,
                )
                keep = _dp_keep(key[: far + 1], tolerance)[:-1] + _dp_keep(key[far:], tolerance)
            else:
                keep = _dp_keep(key, tolerance)
            done[key] = tuple(p for p, k in zip(key, keep, strict=True) if k)
        out = list(done[key])
        return out if forward else out[::-1]

    simplified = []
    for ring in rings:
        body = ring[:-1] if ring[0] == ring[-1] else ring
        n = len(body)
        out = ring
        if n >= 4:
            owners = [
                frozenset(users[_edge(a, b)])
                for a, b in zip(body, body[1:] + body[:1], strict=True)
            ]
            cuts = [i for i in range(n) if owners[i - 1] != owners[i]]
            if not cuts:  # one loop, shared all round with the same rings (or with none)
                start = min(range(n), key=lambda i: body[i])
                out = piece(body[start:] + body[:start] + [body[start]])
            else:
                out = []
                for k, c in enumerate(cuts):
                    end = cuts[(k + 1) % len(cuts)]
                    idx = list(range(c, end + 1)) if end > c else [*range(c, n), *range(end + 1)]
                    part = piece([body[i] for i in idx])
                    out.extend(part if not out else part[1:])
                if out[0] != out[-1]:
                    out.append(out[0])
            if len(set(out)) < 3:
                out = ring
        simplified.append([[x, y] for x, y in out])
    rings_iter = iter(simplified)
    polygons = [[next(rings_iter) for _ in poly] for poly in kept["polygon"]]
    out = kept.assign(
        polygon=polygons, deck_polygon=[_polygon_json(p) for p in polygons]
    ).reset_index(drop=True)
    out.attrs["deck_borders"] = _borders_json(out)  # encoded once, like the polygons
    return out


def map_legend(vmax: int, value_label: str) -> str:
    """A one-row legend for `world_coverage_map` as HTML: what the colours count, then one
    coloured box per class with its range. HTML rather than a chart, so the map page loads
    no plotly.js. `value_label` must be the app's own text (it is escaped anyway)."""
    boxes = "".join(
        f'<span style="background:rgb{rgb};color:{text_colour(rgb)};flex:1;'
        f'text-align:center;padding:2px 4px">{lo if lo == hi else f"{lo}–{hi}"}</span>'
        for lo, hi, rgb in colour_bins(vmax)
    )
    return (
        '<div class="cbdash-map-legend" style="font-size:14px">'
        f"<div>{html.escape(value_label)}</div>"
        f'<div style="display:flex;gap:2px;margin-top:4px">{boxes}</div></div>'
    )


def flow_sankey(flows: pd.DataFrame, *, title: str) -> go.Figure:
    """Sankey from sources (left) to regions (right); link width = number of projects."""
    if flows.empty:
        raise ValueError("flow_sankey needs at least one flow")
    sources = list(dict.fromkeys(flows["source"]))
    regions = sorted(set(flows["region"]))
    nodes = sources + regions
    index = {n: i for i, n in enumerate(nodes)}
    fig = go.Figure(
        go.Sankey(
            node=dict(
                label=nodes,
                pad=12,
                thickness=16,
                color=[SCALE[6]] * len(sources) + [SCALE[4]] * len(regions),
            ),
            link=dict(
                source=[index[s] for s in flows["source"]],
                target=[index[r] for r in flows["region"]],
                value=flows["projects"].tolist(),
                color="rgba(65,182,196,0.35)",
                hovertemplate="%{source.label} → %{target.label}: %{value} projects<extra></extra>",
            ),
        )
    )
    fig.update_layout(
        title=dict(text=title),
        font=FONT,
        height=max(420, 26 * len(nodes)),
        margin=dict(l=10, r=10, t=60, b=10),
        template=chart_template(),
    )
    return fig
