"""The cooperation network drawn: a plotly figure of the graph laid out by
`cbdash.analysis.network`, its legend as HTML, and the case-study labels and table.

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

from cbdash.analysis.network import degrees
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


def short_name(name: str, limit: int = 26) -> str:
    """A label for a crowded chart: a closing acronym in brackets if there is one ('Cyber
    Readiness Index (CRI)' -> 'CRI'), else the name cut to `limit` characters."""
    if name.endswith(")") and "(" in name:
        inner = name[name.rindex("(") + 1 : -1].strip()
        capitals = sum(ch.isupper() for ch in inner)
        if 0 < len(inner) <= 14 and " " not in inner and capitals >= 2:
            return inner
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def kind_style(kinds: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker symbol per mapping kind, in the order given (stable per data)."""
    ordered = list(dict.fromkeys(kinds))
    return {
        k: (KIND_COLOURS[i % len(KIND_COLOURS)], KIND_SYMBOLS[i // len(KIND_COLOURS)])
        for i, k in enumerate(ordered)
    }


def marker_sizes(values: pd.Series, smallest: float = 9, largest: float = 32) -> np.ndarray:
    """Marker diameters whose area grows with the value (square-root scale)."""
    v = np.sqrt(values.astype(float).clip(lower=0).to_numpy())
    top = v.max() if len(v) else 0.0
    if top == 0:
        return np.full(len(v), smallest)
    return smallest + (largest - smallest) * v / top


def network_figure(
    nodes: pd.DataFrame,
    positions: pd.DataFrame,
    links: pd.DataFrame,
    *,
    size_by: str = "countries",
    kind_labels: Mapping[str, str] | None = None,
    link_labels: Mapping[str, str] | None = None,
    kind_order: Sequence[str] | None = None,
    title: str = "Who cooperates with whom",
    label_min_links: int = 1,
    max_labels: int = 10,
    by_kind: bool = True,
    legend: bool = True,
) -> go.Figure:
    """Nodes (one trace per mapping kind) joined by links (one trace per link kind, with an
    arrow at the middle pointing from mapping_a to mapping_b). Mappings with at least
    `label_min_links` links carry a short label, at most `max_labels` of them (the most
    linked first), so labels do not pile up; every node names itself on hover.
    `by_kind=False` draws every mapping alike (one legend entry), for a short legend.
    `legend=False` leaves the legend out (`legend_html` gives the same one as HTML: plotly
    measures every legend entry on each redraw)."""
    if nodes.empty:
        raise ValueError("network_figure needs at least one mapping")
    if size_by not in nodes.columns:
        raise ValueError(f"size_by must be a column of nodes, not '{size_by}'")
    kind_labels = kind_labels or {}
    link_labels = link_labels or {}
    data = nodes.merge(positions, on="id", how="inner")
    data["size"] = marker_sizes(data[size_by])
    data["links"] = data["id"].map(degrees(links)).fillna(0).astype(int)
    ranked = data.sort_values(["links", "name"], ascending=[False, True])
    labelled = set(ranked.loc[ranked["links"] >= max(label_min_links, 1), "id"][:max_labels])
    ids = data["id"].to_numpy(dtype=object)
    xy = data[["x", "y"]].to_numpy(dtype=float)
    row = {m: i for i, m in enumerate(ids)}
    names = dict(zip(ids, data["name"], strict=True))
    traces: list[dict] = []
    for kind, group in links.groupby("kind", sort=True):
        traces += _link_traces(group, xy, row, names, str(kind), link_labels)
    if by_kind:
        styles = kind_style(list(kind_order or []) + sorted(data["kind"].unique()))
        kinds = data["kind"].to_numpy(dtype=object)
        groups = [(kind_labels.get(k, k), *styles[k], data[kinds == k]) for k in styles]
    else:
        groups = [("Mapping effort", "#555555", "circle", data)]
    for label, colour, symbol, group in groups:
        if group.empty:
            continue
        traces.append(
            {
                # rows as lists: the same JSON as the object array plotly would keep
                "customdata": np.stack(
                    [group["name"], group[size_by], group["links"]], axis=-1
                ).tolist(),
                "hovertemplate": "%{customdata[0]}<br>"
                + size_by
                + ": %{customdata[1]}<br>links: %{customdata[2]}<extra></extra>",
                "legendgroup": "kinds",
                "legendgrouptitle": {"text": "Kind of mapping" if by_kind else ""},
                "marker": {
                    "color": colour,
                    "line": {"color": "white", "width": 1.5},
                    "opacity": 0.9,
                    "size": _typed(group["size"]),
                    "symbol": symbol,
                },
                "mode": "markers+text",
                "name": label,
                "text": [
                    short_name(n) if i in labelled else ""
                    for n, i in zip(group["name"], group["id"], strict=True)
                ],
                "textposition": "top center",
                "x": _typed(group["x"]),
                "y": _typed(group["y"]),
                "type": "scatter",
            }
        )
    x_extent = float(data["x"].abs().max()) + 0.3
    y_extent = float(data["y"].abs().max()) + 0.3
    layout = {
        "title": {"text": title},
        "font": dict(FONT),
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "xaxis": {"visible": False, "range": [-x_extent, x_extent], "constrain": "domain"},
        "yaxis": {
            "visible": False,
            "range": [-y_extent, y_extent],
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
        },
        "legend": {"itemsizing": "constant", "groupclick": "toggleitem"},
        "showlegend": legend,
        "hoverlabel": {"font": {"size": 15}},
        "height": 640,
        "plot_bgcolor": "white",
    }
    # Plain dicts in plotly's canonical form, without its per-property validation (which
    # cost most of this function); the traces and layout serialise as the validated
    # figure's would, and the template is the one every cbdash chart carries (the default
    # template cut to what the charts use: Streamlit copies and sends it on every rerun).
    layout["template"] = chart_template()
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


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


def _link_traces(
    links: pd.DataFrame,
    xy: np.ndarray,
    row: Mapping[str, int],
    names: Mapping[str, str],
    kind: str,
    link_labels: Mapping[str, str],
) -> list[dict]:
    """The lines of one kind of link and their arrows (none if no link has both ends)."""
    colour, dash = LINK_STYLES.get(kind, OTHER_LINK_STYLE)
    a_ids = links["mapping_a"].to_numpy(dtype=object)
    b_ids = links["mapping_b"].to_numpy(dtype=object)
    both = np.fromiter(
        (x in row and y in row for x, y in zip(a_ids, b_ids, strict=True)),
        dtype=bool,
        count=len(links),
    )
    if not both.any():
        return []
    a_ids, b_ids = a_ids[both], b_ids[both]
    a = xy[[row[m] for m in a_ids]]
    b = xy[[row[m] for m in b_ids]]
    xs = np.column_stack([a[:, 0], b[:, 0], np.full(len(a), np.nan)]).ravel()
    ys = np.column_stack([a[:, 1], b[:, 1], np.full(len(a), np.nan)]).ravel()
    label = link_labels.get(kind, kind)
    mid = (a + b) / 2
    angle = np.degrees(np.arctan2(b[:, 0] - a[:, 0], b[:, 1] - a[:, 1]))
    angle = (angle + 180) % 360 - 180  # onto [-180, 180), as plotly's validator would
    years = links.loc[both, "year"].astype("string").fillna("year unknown")
    hover = [
        f"{names.get(x, x)} → {names.get(y, y)}<br>{label}, {yr}"
        for x, y, yr in zip(a_ids, b_ids, years, strict=True)
    ]
    line = {
        "hoverinfo": "skip",
        "legendgroup": "links",
        "legendgrouptitle": {"text": "Kind of link"},
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
        "legendgroup": "links",
        "marker": {"angle": _typed(angle), "color": colour, "size": 14, "symbol": "arrow"},
        "mode": "markers",
        "name": label,
        "showlegend": False,
        "x": _typed(mid[:, 0]),
        "y": _typed(mid[:, 1]),
        "type": "scatter",
    }
    return [line, arrows]


def case_label(link: pd.Series, names: Mapping[str, str], link_labels: Mapping[str, str]) -> str:
    """One line naming a link: 'A → B: kind (year)'."""
    year = "" if pd.isna(link["year"]) else f" ({int(link['year'])})"
    kind = link_labels.get(link["kind"], link["kind"])
    a, b = (
        names.get(link["mapping_a"], link["mapping_a"]),
        names.get(link["mapping_b"], link["mapping_b"]),
    )
    return f"{a} → {b}: {kind}{year}"


def case_labels(
    links: pd.DataFrame, names: Mapping[str, str], link_labels: Mapping[str, str]
) -> list[str]:
    """`case_label` of every link, in row order, without a Series per row."""
    return [
        f"{names.get(a, a)} → {names.get(b, b)}: {link_labels.get(k, k)}"
        + ("" if pd.isna(y) else f" ({int(y)})")
        for a, b, k, y in zip(
            links["mapping_a"], links["mapping_b"], links["kind"], links["year"], strict=True
        )
    ]


def link_table(
    links: pd.DataFrame, names: Mapping[str, str], link_labels: Mapping[str, str]
) -> pd.DataFrame:
    """Readable links for display and download (one row per case study)."""
    return pd.DataFrame(
        {
            "link_id": links["link_id"],
            "from": links["mapping_a"].map(lambda m: names.get(m, m)),
            "to": links["mapping_b"].map(lambda m: names.get(m, m)),
            "kind": links["kind"].map(lambda k: link_labels.get(k, k)),
            "year": links["year"],
            "summary": links["summary"],
            "sources": links["sources"].map(lambda s: " ".join(s or ())),
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
