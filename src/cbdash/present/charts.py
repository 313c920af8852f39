"""Plotly chart builders: DataFrames in, figures out, never displayed here.

Colours: one sequential ColorBrewer scale (YlGnBu, readable by colour-blind viewers and on
a projector) for every count; zero is a separate light grey so that "none" stands out.
Cell numbers are black or white, whichever contrasts with the cell colour.
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import sample_colorscale

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
# The scale with zero (up to a thousandth of the top) in ZERO_RGB grey.
ZERO_GREY_SCALE = [[0, "rgb(225,225,225)"], [1e-3, "rgb(225,225,225)"], [1.001e-3, SCALE[0]]] + [
    [max(f, 2e-3), c] for f, c in PLOTLY_SCALE[1:]
]
NO_SHAPE_RGB = (200, 200, 200)
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=15)
X_LABEL_CHARS = 28  # heatmap column labels are cut to this many characters
Y_LABEL_CHARS = 42  # and row labels to this many
HEATMAP_ROW_PX = 32  # height of a heatmap row: a readable label and cell number
HEATMAP_MIN_ROWS = 4  # a smaller matrix is drawn as tall as this many rows (its colour bar)
HEATMAP_TOP_PX = 60  # the title
X_TICK_ANGLE = -35  # column labels slant so; upright (-90) beyond X_SLANTED_COLUMNS columns,
X_SLANTED_COLUMNS = 12  # where slanted labels ~25 px apart would overlap at 1280 px
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
    zero_grey: bool = False,
    max_text_cells: int = MAX_TEXT_CELLS,
) -> go.Figure:
    """Heatmap with the value printed in each cell (blank for NaN), text colour for contrast.
    With `show_values=False` (a 0/1 matrix, where the colour says it all) values are in the
    hover only and there is no colour bar, which makes a large chart much quicker to draw.

    Up to `MAX_ANNOTATED_CELLS` cells the numbers are layout annotations coloured by
    `text_colour`; a larger matrix (up to `MAX_TEXT_CELLS`) prints them as the heatmap's own
    cell text, which plotly colours for contrast itself and which is much cheaper to build,
    send and draw than thousands of annotations. Beyond that (`max_text_cells`), values are
    in the hover only. With `zero_grey` a zero cell is light grey, apart from the scale (an
    empty cell is the finding).
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
    as_text = show_values and MAX_ANNOTATED_CELLS < values.size <= max_text_cells
    heatmap: dict = dict(
        type="heatmap",
        z=values,
        x=xs,
        y=ys,
        zmin=0,
        zmax=top,
        colorscale=ZERO_GREY_SCALE if zero_grey else PLOTLY_SCALE,
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
        xaxis=dict(
            title=dict(text=x_title),
            side="bottom",
            tickangle=x_tick_angle(len(xs)),
            automargin=True,
        ),
        yaxis=dict(title=dict(text=y_title), autorange="reversed", automargin=True),
        height=heatmap_height(len(ys), xs, bool(x_title)),
        margin=dict(l=10, r=10, t=HEATMAP_TOP_PX, b=heatmap_bottom(xs, bool(x_title))),
        plot_bgcolor="white",
    )
    if show_values and values.size <= MAX_ANNOTATED_CELLS:
        layout["annotations"] = _cell_annotations(values, xs, ys, top, number_format)
    return _figure([heatmap], layout)


def _cell_annotations(
    values: np.ndarray, xs: list[str], ys: list[str], top: float, number_format: str
) -> list[dict]:
    """One annotation per non-empty cell: its value, coloured for contrast (`_text_colours`)."""
    cells = [(i, j) for i in range(len(ys)) for j in range(len(xs)) if not np.isnan(values[i, j])]
    colours = _text_colours([values[i, j] / top for i, j in cells])
    return [
        dict(
            x=xs[j],
            y=ys[i],
            text=number_format.format(values[i, j]),
            showarrow=False,
            font=dict(color=colour, size=13),
        )
        for (i, j), colour in zip(cells, colours, strict=True)
    ]


def x_tick_angle(n_columns: int) -> int:
    """The angle of a heatmap's column labels: slanted, or upright when there are many."""
    return X_TICK_ANGLE if n_columns <= X_SLANTED_COLUMNS else -90


def heatmap_bottom(x_labels: Sequence[str], x_title: bool) -> int:
    """Room below a heatmap for its column labels (about 0.6 of the font size per
    character, times the sine of the angle) and the axis title."""
    longest = max((len(x) for x in x_labels), default=0)
    angle = np.radians(abs(x_tick_angle(len(x_labels))))
    size = FONT["size"]
    room = longest * size * 0.6 * np.sin(angle) + size * np.cos(angle) + 10
    return int(np.ceil(room)) + (30 if x_title else 0)


def heatmap_height(n_rows: int, x_labels: Sequence[str], x_title: bool) -> int:
    """A heatmap's height from its rows: HEATMAP_ROW_PX a row (at least HEATMAP_MIN_ROWS),
    plus the title and the column labels, so that a 5-row matrix is as readable in a wide
    window as in a narrow one (the width follows the window; the height does not)."""
    rows = max(n_rows, HEATMAP_MIN_ROWS)
    return HEATMAP_TOP_PX + HEATMAP_ROW_PX * rows + heatmap_bottom(x_labels, x_title)


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
    series: pd.Series,
    *,
    title: str,
    x_title: str,
    labels: dict[str, str] | None = None,
    hover: Sequence[str] | None = None,
    text: Sequence[str] | None = None,
) -> go.Figure:
    """Horizontal bars in the order given, the first at the top (sort before: the first
    row is the chart's leading item), with the value (or `text`) at the end of each bar.
    `labels` turns index values into tick labels; `hover` gives each bar's hover text
    (e.g. the full name behind a short label; escaped here)."""
    if series.empty:
        raise ValueError("bar_chart needs at least one value")
    names = [str((labels or {}).get(i, i)) for i in series.index]
    values = np.asarray(series.to_numpy(), dtype=float)
    bar = dict(
        type="bar",
        x=values,
        y=names,
        orientation="h",
        text=list(text) if text is not None else values,
        textposition="outside",
        cliponaxis=False,
        marker=dict(color=SCALE[6]),
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    if hover is not None:
        bar["customdata"] = [html.escape(str(h)) for h in hover]
        bar["hovertemplate"] = "%{customdata}: %{x}<extra></extra>"
    lines = max(name.count("<br>") + 1 for name in names)
    # Room right of the longest bar for its text; whole numbers on the axis for counts.
    widest = max(len(str(t)) for t in bar["text"]) if text is not None else 4
    top = float(values.max()) or 1.0
    xaxis: dict = dict(
        title=dict(text=x_title),
        range=[0, top * (1 + 0.025 * widest)],
        tickvals=_ticks(top, whole=bool(np.all(values == np.round(values)))),
    )
    layout = dict(
        title=dict(text=title),
        font=FONT,
        xaxis=xaxis,
        yaxis=dict(autorange="reversed"),
        height=max(300, 120 + 30 * lines * len(names)),
        margin=dict(l=10, r=40, t=60, b=10),
        plot_bgcolor="white",
    )
    return _figure([bar], layout)


def _ticks(top: float, whole: bool) -> list[float]:
    """About five round tick values from 0 to `top` (whole numbers for counts), none
    beyond it: the room right of the bars is for their text, not for the scale."""
    raw = top / 5
    magnitude = 10 ** np.floor(np.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, float(np.ceil(step)))
    return [round(float(v), 10) for v in np.arange(0, top + step / 1000, step)]


def column_chart(series: pd.Series, *, title: str, x_title: str, y_title: str) -> go.Figure:
    """Vertical bars in the order given (for ordinal categories such as counts)."""
    if series.empty:
        raise ValueError("column_chart needs at least one value")
    fig = go.Figure(
        go.Bar(
            x=[str(i) for i in series.index],
            y=series.to_numpy(),
            text=series.to_numpy(),
            textposition="outside",
            cliponaxis=False,
            marker_color=SCALE[6],
            hovertemplate=f"{x_title}: %{{x}}<br>{y_title}: %{{y}}<extra></extra>",
        )
    )
    fig.update_layout(
        title=dict(text=title),
        font=FONT,
        xaxis=dict(title=x_title, type="category"),
        yaxis=dict(title=y_title),
        height=420,
        margin=dict(l=10, r=10, t=60, b=10),
        plot_bgcolor="white",
        template=chart_template(),
    )
    return fig


def flow_sankey(
    flows: pd.DataFrame, *, title: str, hover: Mapping[str, str] | None = None
) -> go.Figure:
    """Sankey from sources (left) to regions (right); link width = number of projects.
    `hover` gives a source's node a longer name ("United Kingdom (incl. UK Government,
    FCDO)") in its hover."""
    if flows.empty:
        raise ValueError("flow_sankey needs at least one flow")
    sources = list(dict.fromkeys(flows["source"]))
    regions = sorted(set(flows["region"]))
    nodes = sources + regions
    index = {n: i for i, n in enumerate(nodes)}
    names = [(hover or {}).get(n) or n for n in nodes]
    fig = go.Figure(
        go.Sankey(
            node=dict(
                label=nodes,
                pad=12,
                thickness=16,
                color=[SCALE[6]] * len(sources) + [SCALE[4]] * len(regions),
                customdata=names,
                hovertemplate="%{customdata}: %{value} (a project counts once per region it "
                "reaches)<extra></extra>",
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


# The tags cbdash's own figures use in plotly text (line breaks, bold, hover boxes); any
# other "<" is from the data and becomes "&lt;", so an <a href> in a name is inert.
_PLOTLY_TAGS = re.compile(r"<(?!/?(?:br|b|i|em|sup|sub|extra)\s*/?>)", re.IGNORECASE)


def inert_text(value: object) -> object:
    """Every string inside `value` (a figure as a dict: nested dicts, lists and object
    arrays) with plotly markup other than _PLOTLY_TAGS escaped; other values unchanged."""
    if isinstance(value, str):
        return _PLOTLY_TAGS.sub("&lt;", value) if "<" in value else value
    if isinstance(value, dict):
        return {k: inert_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [inert_text(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype == object:
        out = np.empty(value.shape, dtype=object)
        out.ravel()[:] = [inert_text(v) for v in value.ravel()]
        return out
    return value


def png_config(name: str) -> dict:
    """st.plotly_chart config: the modebar camera saves a 2x PNG named after the chart."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": f"cbdash_{name}"},
    }


# The grid's cells: empty in grey, then the light half of the scale (names stay legible).
GRID_SCALE = [[0, "#f0f0f0"], [1e-4, SCALE[0]], [0.35, SCALE[2]], [0.7, SCALE[4]], [1, SCALE[6]]]


def _wrap(name: str, width: int = 15) -> str:
    """A name escaped for plotly's text, on two lines at the space nearest its middle when
    longer than `width` characters."""
    spaces = [i for i, c in enumerate(name) if c == " "]
    if len(name) <= width or not spaces:
        return html.escape(name)
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return f"{html.escape(name[:cut])}<br>{html.escape(name[cut + 1 :])}"


def support_bins(max_projects: int) -> list[tuple[int, float, str]]:
    """Columns of the need x support grid: (low, high, label) over projects per
    country: none, up to the thin-support limit, then to 10, 20 and more."""
    edges = [0, max_projects, 10, 20]
    bins: list[tuple[int, float, str]] = [(0, 0, "0")]
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        if hi > lo:
            bins.append((lo + 1, hi, f"{lo + 1}" if hi == lo + 1 else f"{lo + 1}–{hi}"))
    top = max(edges)
    bins.append((top + 1, float("inf"), f"{top + 1} or more"))
    return bins


def need_support_grid(
    countries: pd.DataFrame,
    *,
    title: str,
    max_projects: int,
    tier_labels: dict[int, str],
    unknown_label: str,
    need_tiers: Sequence[int] | None,
    max_names: int = 2,
    always: Sequence[str] = (),
    text_size: int = 13,
    wrap: int = 15,
) -> tuple[go.Figure, pd.DataFrame]:
    """Need (GCI tier rows, the unknown tier last) against support (projects per
    country, in `support_bins`): each cell's colour counts its countries and its text names
    up to `max_names` of them, the ranked ones first and in bold, and every name of
    `always` (e.g. those a sentence names) in any case (rows of `countries`: name,
    gci_tier, projects, status, rank); a name longer than `wrap` characters wraps onto two
    lines; the cells' text is `text_size` px; a colour bar says what the colour counts. The
    cells of high
    need and thin support (`need_tiers`, None = every row, up to `max_projects`) are
    framed. Returns the figure and its cells as a long table (tier, projects, countries,
    names)."""
    if countries.empty:
        raise ValueError("need_support_grid needs at least one country")
    bins = support_bins(max_projects)
    rows = [*sorted(tier_labels, reverse=True), None]
    ylabels = [tier_labels[t] if t is not None else unknown_label for t in rows]
    cell_rows = []
    z = np.zeros((len(rows), len(bins)))
    text = [["" for _ in bins] for _ in rows]
    ordered = countries.assign(_r=countries["rank"].fillna(10**9)).sort_values(["_r", "name"])
    for i, tier in enumerate(rows):
        in_row = ordered[
            ordered["gci_tier"].isna() if tier is None else ordered["gci_tier"] == tier
        ]
        for j, (lo, hi, label) in enumerate(bins):
            here = in_row[(in_row["projects"] >= lo) & (in_row["projects"] <= hi)]
            z[i, j] = len(here)
            text[i][j] = _grid_cell(here, max_names, always, wrap)
            cell_rows.append(
                {
                    "GCI 2024 tier": ylabels[i],
                    "projects": label,
                    "countries": len(here),
                    "names": "; ".join(here["name"]),
                }
            )
    heatmap = dict(
        type="heatmap",
        z=z,
        x=[b[2] for b in bins],
        y=ylabels,
        zmin=0,
        zmax=max(float(z.max()), 1.0),
        colorscale=GRID_SCALE,
        xgap=2,
        ygap=2,
        text=text,
        texttemplate="%{text}",
        textfont=dict(size=text_size),
        hovertemplate="%{y}<br>projects: %{x}<br>countries: %{z}<extra></extra>",
        showscale=True,  # the colour counts the cell's countries: say so
        colorbar=_count_colorbar(int(z.max()), "countries in the cell"),
    )
    layout = dict(
        title=dict(text=title),
        font=FONT,
        xaxis=dict(title=dict(text="projects of the inventory naming the country"), side="bottom"),
        yaxis=dict(title=dict(text=""), autorange="reversed"),
        height=max(370, 140 + 76 * len(rows)),
        margin=dict(l=10, r=10, t=70, b=10),
        plot_bgcolor="white",
        shapes=_grid_frame(rows, bins, need_tiers, max_projects),
    )
    return _figure([heatmap], layout), pd.DataFrame(cell_rows)


def _count_colorbar(vmax: int, title: str) -> dict:
    """A slim horizontal colour bar for counts, above the plot's top right corner (it takes
    no width from the cells): whole-number ticks only, at most six."""
    step = max(1, math.ceil(vmax / 5))
    ticks = list(range(0, max(vmax, 1) + 1, step))
    return dict(
        title=dict(text=title, side="top", font=dict(size=13)),
        tickfont=dict(size=12),  # kept small on the projector too: a key, not a message
        orientation="h",
        x=1,
        xanchor="right",
        y=1.0,
        yanchor="bottom",
        ypad=4,
        lenmode="pixels",
        len=200,
        thickness=10,
        tickmode="array",
        tickvals=ticks,
        ticktext=[str(t) for t in ticks],
        outlinewidth=0,
    )


def _grid_cell(here: pd.DataFrame, max_names: int, always: Sequence[str], wrap: int) -> str:
    """A grid cell's text: up to `max_names` names (and every name of `always`), the
    ranked ones in bold, then "+N more"."""
    limit = max(max_names, sum(n in always for n in here["name"]))
    picked = here.iloc[:limit]
    names = [  # plotly reads a little HTML in text: names are escaped
        f"<b>{_wrap(n, wrap)}</b>" if s == "ranked" else _wrap(n, wrap)
        for n, s in zip(picked["name"], picked["status"], strict=True)
    ]
    more = [f"+{len(here) - limit} more"] if len(here) > limit else []
    return "<br>".join(names + more)


def _grid_frame(
    rows: list[int | None],
    bins: list[tuple[int, float, str]],
    need_tiers: Sequence[int] | None,
    max_projects: int,
) -> list[dict]:
    """The frame around the grid's cells of high need and thin support (none if empty)."""
    need_rows = [i for i, t in enumerate(rows) if need_tiers is None or t in need_tiers]
    thin_cols = [j for j, b in enumerate(bins) if b[1] <= max_projects]
    if not (need_rows and thin_cols):
        return []
    return [
        dict(
            type="rect",
            xref="x",
            yref="y",
            x0=min(thin_cols) - 0.5,
            x1=max(thin_cols) + 0.5,
            y0=min(need_rows) - 0.5,
            y1=max(need_rows) + 0.5,
            line=dict(color="#d94801", width=3),
        )
    ]
