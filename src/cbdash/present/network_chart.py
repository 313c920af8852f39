"""The cooperation links drawn: an arc diagram of the mappings ordered by
`cbdash.analysis.network.arc_order`, its legend as HTML, and the case-study labels and table.

Colours are colour-blind safe: Okabe-Ito for mapping kinds (with a marker symbol as a
second cue, since there are more kinds than colours) and Paul Tol's "bright" scheme plus
a dash pattern for link kinds.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cbdash.present.charts import chart_template

KIND_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)


KIND_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "hexagon", "star", "pentagon")


LINK_STYLES = {
    "merged_content": ("#4477AA", "solid"),
    "data_sharing": ("#EE6677", "solid"),
    "joint_product": ("#228833", "dash"),
    "shared_methodology": ("#AA3377", "dashdot"),
    "cross_listing": ("#66CCEE", "dot"),
    "dialogue": ("#BBBBBB", "longdash"),
}


OTHER_LINK_STYLE = ("#777777", "dot")


FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=15)


OTHER_KIND_STYLE = ("#999999", "circle")  # "other" is no kind: grey, apart from the colours


def kind_style(kinds: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker symbol per mapping kind, in the order given (stable per data);
    'other' is grey."""
    ordered = [k for k in dict.fromkeys(kinds) if k != "other"]
    styles = {
        k: (KIND_COLOURS[i % len(KIND_COLOURS)], KIND_SYMBOLS[i // len(KIND_COLOURS)])
        for i, k in enumerate(ordered)
    }
    if "other" in kinds:
        styles["other"] = OTHER_KIND_STYLE
    return styles


def marker_sizes(values: pd.Series, smallest: float = 9, largest: float = 32) -> np.ndarray:
    """Marker diameters whose area grows with the value (square-root scale)."""
    v = np.sqrt(values.astype(float).clip(lower=0).to_numpy())
    top = v.max() if len(v) else 0.0
    if top == 0:
        return np.full(len(v), smallest)
    return smallest + (largest - smallest) * v / top


ROW_PX = 30.0  # px per mapping on the page (the chart's height follows the rows)
LABEL_GAP_PX = 6  # between a label and its node
CHAR_PX = 0.58  # of the font size: a generous average character width, for the label margin
LABEL_COLOUR = "#1a1a1a"


def arc_diagram(
    nodes: pd.DataFrame,
    order: pd.DataFrame,
    links: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    size_by: str = "countries",
    kind_labels: Mapping[str, str] | None = None,
    link_labels: Mapping[str, str] | None = None,
    kind_order: Sequence[str] | None = None,
    title: str = "Who cooperates with whom",
    font_size: float = 15,
    row_px: float = ROW_PX,
    fixed_height: bool = True,
) -> go.Figure:
    """The linked mappings one per row (`order`: id, row, from `network.arc_order`), each
    with its label (`labels`: id -> short name; the full name shows on hover) to the left
    of its node, and each link an arc to the right from mapping_a to mapping_b with an
    arrow at its bend. Nodes are coloured (and shaped) by kind, sized by `size_by`; links
    coloured and dashed by kind. One label per row: no label can overlap another label or
    a node as long as a row is at least a line of text high (`row_px` >= 1.3 x
    `font_size`). With `fixed_height` the figure is `row_px` per row high; else it fills
    its container (the projector). The legend is `legend_html`."""
    if order.empty:
        raise ValueError("arc_diagram needs at least one linked mapping")
    if size_by not in nodes.columns:
        raise ValueError(f"size_by must be a column of nodes, not '{size_by}'")
    data = order.merge(nodes, on="id", how="inner").sort_values("row", ignore_index=True)
    data["y"] = -data["row"].astype(float)
    data["size"] = marker_sizes(data[size_by], largest=min(26.0, 0.8 * row_px))
    kind_labels, link_labels = kind_labels or {}, link_labels or {}
    styles = kind_style(list(kind_order or []) + sorted(data["kind"].unique()))
    y_of = dict(zip(data["id"], data["y"], strict=True))
    names = dict(zip(data["id"], data["name"], strict=True))
    drawn = links[_isin(links["mapping_a"], y_of) & _isin(links["mapping_b"], y_of)]
    drawn = drawn.assign(bulge=_bulges(drawn, y_of))
    traces: list[dict] = []
    for kind, group in drawn.groupby("kind", sort=True):
        traces += _arc_traces(group, y_of, names, str(kind), link_labels)
    for kind, (colour, symbol) in styles.items():
        group = data[data["kind"] == kind]
        if not group.empty:
            traces.append(_node_trace(group, size_by, kind_labels.get(kind, kind), colour, symbol))
    shown = [labels.get(m, m) for m in data["id"]]
    longest = max(len(label) for label in shown)
    margin_left = int(longest * CHAR_PX * font_size + data["size"].max() / 2 + 2 * LABEL_GAP_PX)
    rows = len(data)
    layout = {
        "title": {"text": title},
        "font": dict(FONT),
        "margin": {"l": margin_left, "r": 10, "t": 50, "b": 10},
        "xaxis": {"visible": False, "range": [-0.04, 1.12], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-(rows - 1) - 0.7, 0.7], "fixedrange": True},
        "annotations": _labels(data, shown, font_size),
        "shapes": _kind_rules(data["kind"]),
        "showlegend": False,
        "hovermode": "closest",
        "hoverlabel": {"font": {"size": 15}},
        "plot_bgcolor": "white",
        "template": chart_template(),
    }
    if fixed_height:
        layout["height"] = int(60 + rows * row_px)
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _labels(data: pd.DataFrame, shown: Sequence[str], font_size: float) -> list[dict]:
    """One label per row, right-aligned just left of its node, the full name on hover."""
    return [
        {
            "x": 0,
            "y": y,
            "xref": "x",
            "yref": "y",
            "text": html.escape(label),
            "hovertext": html.escape(name),
            "showarrow": False,
            "xanchor": "right",
            "xshift": -(size / 2 + LABEL_GAP_PX),
            "font": {"size": font_size, "color": LABEL_COLOUR},
        }
        for y, label, name, size in zip(data["y"], shown, data["name"], data["size"], strict=True)
    ]


def _kind_rules(kinds: pd.Series) -> list[dict]:
    """A thin grey rule across the chart between two kinds of mapping."""
    values = kinds.to_numpy(dtype=object)
    starts = [i for i in range(1, len(values)) if values[i] != values[i - 1]]
    return [
        {
            "type": "line",
            "xref": "paper",
            "x0": -0.5,
            "x1": 1,
            "yref": "y",
            "y0": -(i - 0.5),
            "y1": -(i - 0.5),
            "line": {"color": "#d0d0d0", "width": 1},
            "layer": "below",
        }
        for i in starts
    ]


def _node_trace(group: pd.DataFrame, size_by: str, label: str, colour: str, symbol: str) -> dict:
    """The nodes of one kind of mapping, naming themselves on hover."""
    hover = [
        f"{html.escape(name)}<br>{html.escape(label)}<br>{size_by}: {value}<br>links: {n}"
        for name, value, n in zip(group["name"], group[size_by], group["links"], strict=True)
    ]
    return {
        "hoverinfo": "text",
        "hovertext": hover,
        "marker": {
            "color": colour,
            "line": {"color": "white", "width": 1.5},
            "size": _typed(group["size"]),
            "symbol": symbol,
        },
        "mode": "markers",
        "name": label,
        "x": _typed(np.zeros(len(group))),
        "y": _typed(group["y"]),
        "type": "scatter",
    }


def arc_points(
    y_from: np.ndarray, y_to: np.ndarray, bulge: np.ndarray, steps: int = 21
) -> tuple[np.ndarray, np.ndarray]:
    """The arcs (half ellipses right of x = 0) from each y_from to its y_to, `bulge` wide,
    as one line's x and y with NaN between arcs."""
    t = np.linspace(0.0, np.pi, steps)
    xs = bulge[:, None] * np.sin(t)[None, :]
    ys = y_from[:, None] + (y_to - y_from)[:, None] * ((1 - np.cos(t)) / 2)[None, :]
    gap = np.full((len(bulge), 1), np.nan)
    return np.hstack([xs, gap]).ravel(), np.hstack([ys, gap]).ravel()


def _bulges(links: pd.DataFrame, y_of: Mapping[str, float]) -> np.ndarray:
    """How far right each link's arc reaches (x): further the more rows it spans (square
    root, so that short arcs stay apart), and further still for a second link between the
    same two mappings, whatever its kind."""
    if links.empty:
        return np.zeros(0)
    ya = links["mapping_a"].map(y_of).to_numpy(dtype=float)
    yb = links["mapping_b"].map(y_of).to_numpy(dtype=float)
    span_max = max(1.0, max(y_of.values()) - min(y_of.values()))
    pair = pd.Series(
        ["\x1f".join(sorted(p)) for p in zip(links["mapping_a"], links["mapping_b"], strict=True)]
    )
    repeat = pair.groupby(pair).cumcount().to_numpy()
    spread = 0.15 + 0.85 * np.sqrt(np.abs(ya - yb) / span_max)
    return np.minimum(spread * (1 + 0.15 * repeat), 1.1)


def _arc_traces(
    drawn: pd.DataFrame,
    y_of: Mapping[str, float],
    names: Mapping[str, str],
    kind: str,
    link_labels: Mapping[str, str],
) -> list[dict]:
    """The arcs of one kind of link (both ends drawn, `bulge` set) and their arrows."""
    colour, dash = LINK_STYLES.get(kind, OTHER_LINK_STYLE)
    ya = drawn["mapping_a"].map(y_of).to_numpy(dtype=float)
    yb = drawn["mapping_b"].map(y_of).to_numpy(dtype=float)
    bulge = drawn["bulge"].to_numpy(dtype=float)
    xs, ys = arc_points(ya, yb, bulge)
    label = link_labels.get(kind, kind)
    years = drawn["year"].astype("string").fillna("year unknown")
    hover = [
        f"{html.escape(names.get(a, a))} → {html.escape(names.get(b, b))}<br>{label}, {year}"
        for a, b, year in zip(drawn["mapping_a"], drawn["mapping_b"], years, strict=True)
    ]
    line = {
        "hoverinfo": "skip",
        "line": {"color": colour, "dash": dash, "width": 3},
        "mode": "lines",
        "name": label,
        "x": _typed(xs),
        "y": _typed(ys),
        "type": "scatter",
    }
    arrows = {
        "hoverinfo": "text",
        "hovertext": hover,
        "marker": {
            "angle": _typed(np.where(yb < ya, 180.0, 0.0)),
            "color": colour,
            "size": 14,
            "symbol": "arrow",
        },
        "mode": "markers",
        "name": label,
        "x": _typed(bulge),
        "y": _typed((ya + yb) / 2),
        "type": "scatter",
    }
    return [line, arrows]


def _isin(values: pd.Series, wanted: Mapping[str, float]) -> np.ndarray:
    return np.fromiter((v in wanted for v in values), dtype=bool, count=len(values))


def _typed(values: pd.Series | np.ndarray) -> dict[str, str] | np.ndarray:
    """Floats in plotly.js's typed-array form ({"dtype": "f8", "bdata": base64}), exactly
    as plotly encodes a float array when the figure is serialised, done once when the
    figure is built instead of on every rerun that draws it. Empty arrays stay arrays
    (plotly sends them as [])."""
    array = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    if array.size == 0 or array.ndim != 1:
        return array
    return {"dtype": "f8", "bdata": base64.b64encode(array).decode("ascii")}


def _dash_background(colour: str, dash: str) -> str:
    """A CSS background drawing a horizontal line of `colour` with plotly's `dash`."""
    pattern = _CSS_DASHES.get(dash, ())
    if not pattern:
        return f"background:{colour}"
    stops, at = [], 0.0
    for i, length in enumerate(pattern):
        paint = colour if i % 2 == 0 else "transparent"
        stops.append(f"{paint} {at:g}px {at + length:g}px")
        at += length
    return f"background:repeating-linear-gradient(90deg,{','.join(stops)})"


def legend_html(
    nodes: pd.DataFrame,
    links: pd.DataFrame,
    *,
    kind_labels: Mapping[str, str] | None = None,
    link_labels: Mapping[str, str] | None = None,
    kind_order: Sequence[str] | None = None,
) -> str:
    """The legend of `network_figure(..., legend=False)` as HTML: a marker of the same
    colour and shape per kind of mapping among `nodes`, and a line of the same colour and
    dash per kind of link among `links`. Labels are escaped."""
    kind_labels = kind_labels or {}
    link_labels = link_labels or {}
    present = set(nodes["kind"])
    styles = kind_style(list(kind_order or []) + sorted(present))

    def entry(swatch: str, label: str) -> str:
        return (
            '<span style="display:inline-flex;align-items:center;gap:5px;margin-right:14px">'
            f'<span class="cbdash-swatch" style="display:inline-block;{swatch}"></span>'
            f"{html.escape(label)}</span>"
        )

    kinds = "".join(
        entry(
            f"width:14px;height:14px;background:{colour};{_CSS_SHAPES[symbol]}",
            kind_labels.get(k, k),
        )
        for k, (colour, symbol) in styles.items()
        if k in present
    )
    lines = "".join(
        entry(
            f"width:30px;height:3px;{_dash_background(*LINK_STYLES.get(kind, OTHER_LINK_STYLE))}",
            link_labels.get(kind, kind),
        )
        for kind in sorted(set(links["kind"]))
    )
    rows = [("Kind of mapping", kinds)] + ([("Kind of link", lines)] if lines else [])
    return (
        '<div class="cbdash-network-legend" style="font-size:14px;line-height:1.9">'
        + "".join(f"<div><b>{title}</b>&nbsp; {body}</div>" for title, body in rows)
        + "</div>"
    )


YEAR_UNKNOWN = "year unknown"


def when(year: object) -> str:
    """A link's year as text: '2023', or 'year unknown' when no source gives one."""
    return YEAR_UNKNOWN if pd.isna(year) else str(int(year))


def case_label(link: pd.Series, names: Mapping[str, str], link_labels: Mapping[str, str]) -> str:
    """One line naming a link: 'A → B: kind (year)' or '(year unknown)'."""
    kind = link_labels.get(link["kind"], link["kind"])
    a, b = (
        names.get(link["mapping_a"], link["mapping_a"]),
        names.get(link["mapping_b"], link["mapping_b"]),
    )
    return f"{a} → {b}: {kind} ({when(link['year'])})"


def case_labels(
    links: pd.DataFrame, names: Mapping[str, str], link_labels: Mapping[str, str]
) -> list[str]:
    """`case_label` of every link, in row order, without a Series per row."""
    return [
        f"{names.get(a, a)} → {names.get(b, b)}: {link_labels.get(k, k)} ({when(y)})"
        for a, b, k, y in zip(
            links["mapping_a"], links["mapping_b"], links["kind"], links["year"], strict=True
        )
    ]


def link_table(
    links: pd.DataFrame, names: Mapping[str, str], link_labels: Mapping[str, str]
) -> pd.DataFrame:
    """Readable links for display and download, one row per case study: the mappings by
    name, what moved, when ('year unknown' when no source says), the story and its sources;
    the ids last, in their own columns."""
    moved = links["moved"] if "moved" in links else pd.Series("", index=links.index)
    return pd.DataFrame(
        {
            "from": links["mapping_a"].map(lambda m: names.get(m, m)),
            "to": links["mapping_b"].map(lambda m: names.get(m, m)),
            "kind of link": links["kind"].map(lambda k: link_labels.get(k, k)),
            "year": links["year"].map(when),
            "what moved": moved.fillna(""),
            "summary": links["summary"],
            "sources": links["sources"].map(lambda s: " ".join(s or ())),
            "link id": links["link_id"],
            "from id": links["mapping_a"],
            "to id": links["mapping_b"],
        }
    ).reset_index(drop=True)


_CSS_SHAPES = {
    "circle": "border-radius:50%",
    "square": "clip-path:inset(8%)",
    "diamond": "clip-path:polygon(50% 0,100% 50%,50% 100%,0 50%)",
    "triangle-up": "clip-path:polygon(50% 4%,100% 93%,0 93%)",
    "hexagon": "clip-path:polygon(50% 0,93% 25%,93% 75%,50% 100%,7% 75%,7% 25%)",
    "star": "clip-path:polygon(50% 0,63% 35%,100% 38%,71% 60%,79% 96%,50% 76%,21% 96%,29% 60%,"
    "0 38%,37% 35%)",
    "pentagon": "clip-path:polygon(50% 0,100% 38%,81% 100%,19% 100%,0 38%)",
}


_CSS_DASHES = {  # on, off, on, off (px), as plotly draws them at width 3
    "solid": (),
    "dash": (9, 6),
    "dashdot": (9, 4.5, 3, 4.5),
    "dot": (3, 4.5),
    "longdash": (15, 6),
}
