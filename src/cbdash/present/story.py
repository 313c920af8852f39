"""The guided story for a live presentation: the forum's questions as data.

Each `Step` names its question, a takeaway function and a chart builder. Both take the
same `View` (the model and the rows that pass the filters), so every sentence and chart
is computed from the current data: add a mapping and the story changes. The page
(`pages/story.py`) only draws the step the URL names (`?present=1&step=3`).

The projector's styling (CSS, presenter keys, large figure type) is in
`cbdash.present.projector`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from cbdash.analysis import gaps, network
from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.analysis.topics import value_counts
from cbdash.present import network_chart, takeaways
from cbdash.present.charts import bar_chart, column_chart, short_labels
from cbdash.present.projector import PROJECTOR_FONT, projector
from cbdash.present.views import coverage_map as coverage_map_view
from cbdash.present.views import gaps as gaps_view
from cbdash.present.world_map import map_geometry, world_choropleth
from cbdash.text import each, escape_markdown, lower_first, name_list, plural

PRESENT_PARAM = "present"
STEP_PARAM = "step"


@dataclass(frozen=True)
class View:
    """What the story draws from: the model and the rows that pass the filters."""

    model: Model
    filters: Filters
    mappings: pd.DataFrame
    projects: pd.DataFrame
    coverage: pd.DataFrame
    links: pd.DataFrame

    @property
    def labels(self) -> dict[str, dict[str, str]]:
        return self.model.labels

    @property
    def names(self) -> dict[str, str]:
        return self.model.mapping_names


@dataclass(frozen=True)
class Chart:
    """A step's figure and the frame it draws (for the CSV download), in the order drawn:
    its first row is the chart's leading item (top bar, first row), which the step's
    sentence names. `big` is the figure for the projector when `projector(figure)` will
    not do (the arc diagram sizes its labels to the rows)."""

    figure: go.Figure
    data: pd.DataFrame
    big: go.Figure | None = None


@dataclass(frozen=True)
class Step:
    """One step of the story: a question, one computed sentence, one chart."""

    slug: str
    title: str
    question: str
    takeaway: Callable[[View], str]
    chart: Callable[[View], Chart | None]
    caption: str
    page: str  # the page (sidebar title) that explores the question in detail


def view(model: Model, filters: Filters) -> View:
    """The filtered slice of the model that every step reads."""
    inv = model.inventory
    mappings = model.filtered_mappings(filters)
    projects = model.filtered_projects(filters)
    return View(
        model=model,
        filters=filters,
        mappings=mappings,
        projects=projects,
        coverage=model.coverage[model.coverage["mapping_id"].isin(mappings["id"])],
        links=network.links_among(inv.cooperation, list(mappings["id"])),
    )


class ShownStep(NamedTuple):
    """A step as drawn: its sentence (Markdown-escaped), its chart (None when there is
    nothing to draw) and the figure shown (large type in presentation mode)."""

    sentence: str
    chart: Chart | None
    figure: go.Figure | None


def shown_step(model: Model, filters: Filters, number: int, present: bool) -> ShownStep:
    """Step `number` (1-based) under the filters; kept per filter state, step and mode, so
    the audience's reruns reuse it."""

    def make() -> ShownStep:
        step = STEPS[number - 1]
        v = view(model, filters)
        chart = step.chart(v)
        figure = None if chart is None else chart.figure
        if chart is not None and present:
            figure = chart.big if chart.big is not None else projector(chart.figure)
        return ShownStep(escape_markdown(step.takeaway(v)), chart, figure)

    return model.memo(("story", filters, number, present), make)


def is_present(raw: str | None) -> bool:
    """True for `?present=1` (or true/yes/on)."""
    return str(raw or "").strip().lower() in {"1", "true", "yes", "on"}


MAX_STEP_CHARS = 200  # a step is a small number; a longer value is not quoted at all


def parse_step(raw: str | None, n_steps: int) -> tuple[int, str | None]:
    """The 1-based step a link names, clamped to 1..n_steps, and a message if it was bad
    (Markdown-safe: what the link said is escaped and cut)."""
    if raw is None or str(raw).strip() == "":
        return 1, None
    text = str(raw).strip()
    if len(text) > MAX_STEP_CHARS:
        return 1, "Ignored 'step' in the link: too long to be a step. Showing step 1."
    try:
        number = int(text)
    except ValueError:
        shown = escape_markdown(text[:40])
        return 1, f"Ignored step '{shown}' in the link: not a number. Showing step 1."
    clamped = min(max(number, 1), n_steps)
    if clamped != number:
        return clamped, f"The story has steps 1 to {n_steps}; showing step {clamped}."
    return clamped, None


# Takeaways that combine existing ones or need the view ---------------------------------


def where_sentence(v: View) -> str:
    """The coverage map's default sentence: regional and national mappings, and the global
    mappings named apart (`views.coverage_map.map_answer`)."""
    return coverage_map_view.map_answer(v.model, v.filters, "regional").text


def gaps_sentence(v: View) -> str:
    """The gaps page's default answer (`views.gaps.gap_answer`): high need, thin support."""
    return gaps_view.gap_answer(v.model, v.filters, gaps.GapQuestion()).text


def cooperation_sentence(v: View) -> str:
    """Links, stand-alone mappings, the most common kind of link and the most linked
    mapping (the first row of the step's arc diagram)."""
    text = takeaways.cooperation(v.model.inventory.cooperation, v.mappings)
    if v.links.empty:
        return text
    return (
        text + " " + takeaways.cooperation_hub(v.links, v.mappings, v.names, v.labels["link_kinds"])
    )


def kinds_table(v: View) -> pd.DataFrame:
    """Mapping efforts per kind, most first (ties by name): the chart's bars from the top."""
    return takeaways.ranked(
        v.mappings["kind"].value_counts(), v.labels["kinds"], "kind", "mapping efforts"
    )


def kinds_sentence(v: View) -> str:
    """How many mappings, run by how many organisations, and the kind of the tallest bar."""
    table = kinds_table(v)
    if table.empty:
        return "No mapping effort matches the filters."
    n = len(v.mappings)
    owners = {o for os_ in v.mappings["owners"] for o in os_}
    text = f"{plural(n, 'mapping effort')} run by {plural(len(owners), 'organisation')}"
    top = [lower_first(k) for k in takeaways.leaders(table, "mapping efforts", "kind")]
    count = int(table["mapping efforts"].iloc[0])
    if len(top) == 1:
        return text + f"; the most common kind is {top[0]} ({count} of {n})."
    return text + f"; the most common kinds are {name_list(top, 10)} ({count} each of {n})."


def topics_table(v: View) -> pd.DataFrame:
    """Mappings per topic, most first (ties by name)."""
    counts = value_counts(v.mappings, "id", "topics")
    return takeaways.ranked(counts, v.labels["topics"], "topic", "mappings")


def users_table(v: View) -> pd.DataFrame:
    """Mappings per target-user group, most first (ties by name)."""
    counts = value_counts(v.mappings, "id", "target_users")
    return takeaways.ranked(counts, v.labels["users"], "target users", "mappings")


def topics_sentence(v: View) -> str:
    """The topics of the longest and the shortest bar."""
    return takeaways.topics_said(topics_table(v), len(v.mappings))


def users_sentence(v: View) -> str:
    """The target users of the longest and the shortest bar."""
    return takeaways.users_said(users_table(v), len(v.mappings))


OVERLAP_PAIRS = 6  # pairs on the overlap step: two lines of large type each


def overlap_table(v: View, n: int = OVERLAP_PAIRS) -> pd.DataFrame:
    """The `n` pairs of mappings most alike by topics and target users: Jaccard, then the
    number of topics and users in common (so that pairs alike in share are told apart by
    size), then names."""
    columns = [
        "mapping A",
        "mapping B",
        "Jaccard similarity",
        "topics and users in common",
        "mapping A id",
        "mapping B id",
    ]
    if len(v.mappings) < 2:
        return pd.DataFrame(columns=columns)
    pairs = takeaways.profile_pairs(v.mappings)
    pairs = pairs[pairs["value"] > 0]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    items = _profile_items(v.mappings)
    table = pd.DataFrame(
        {
            "mapping A": pairs["mapping_a"].map(v.names).to_numpy(),
            "mapping B": pairs["mapping_b"].map(v.names).to_numpy(),
            "Jaccard similarity": pairs["value"].round(2).to_numpy(),
            "topics and users in common": [
                len(items[a] & items[b])
                for a, b in zip(pairs["mapping_a"], pairs["mapping_b"], strict=True)
            ],
            "mapping A id": pairs["mapping_a"].to_numpy(),
            "mapping B id": pairs["mapping_b"].to_numpy(),
        }
    )
    order = ["Jaccard similarity", "topics and users in common", "mapping A", "mapping B"]
    table = table.sort_values(order, ascending=[False, False, True, True], ignore_index=True)
    return table.head(n)[columns]


def _profile_items(mappings: pd.DataFrame) -> dict[str, set[str]]:
    return {
        m: {f"t:{t}" for t in topics} | {f"u:{u}" for u in users}
        for m, topics, users in zip(
            mappings["id"], mappings["topics"], mappings["target_users"], strict=True
        )
    }


def overlap_sentence(v: View) -> str:
    """The pairs of the top bar: every pair tied with it on Jaccard and items in common
    (the chart's order), a few named and the rest counted; and how many pairs have
    identical profiles when that says more."""
    if len(v.mappings) < 2:
        return "Overlap needs at least two mappings."
    table = overlap_table(v, n=len(v.mappings) ** 2)
    if table.empty:
        return "No two mappings share a topic or target user."
    best = table.iloc[0]
    jaccard, common = best["Jaccard similarity"], int(best["topics and users in common"])
    tied, named = takeaways.leading_pairs(
        table,
        ["Jaccard similarity", "topics and users in common"],
        at=f" at {jaccard:.2f}",
    )
    alike = "the most alike by topics and target users"
    if tied == 1:
        text = f"{named} are {alike} (Jaccard {jaccard:.2f}, {plural(common, 'item')} in common)"
    else:
        text = (
            f"{tied} pairs are {alike} (Jaccard {jaccard:.2f}, {plural(common, 'item')} in "
            f"common each): {named}"
        )
    identical = int((takeaways.profile_pairs(v.mappings)["value"] >= 1.0).sum())
    if identical > 1 and identical != tied:
        text += f"; {identical} pairs have identical profiles"
    return text + "."


DUPLICATE_BARS = 8  # projects on the duplicates step


def duplicates_table(v: View, n: int = DUPLICATE_BARS) -> pd.DataFrame:
    """The `n` projects listed by the most mappings (two or more), most first, ties by
    title: project, mappings listing it, listed in (names), project id."""
    listed = v.projects["listed_in"].map(len)
    several = v.projects[listed >= 2]
    table = pd.DataFrame(
        {
            "project": several["title"].astype(str).to_numpy(),
            "mappings listing it": listed[listed >= 2].to_numpy(dtype=int),
            "listed in": ["; ".join(v.names.get(m, m) for m in ms) for ms in several["listed_in"]],
            "project id": several["project_id"].astype(str).to_numpy(),
        }
    )
    table = table.sort_values(
        ["mappings listing it", "project"], ascending=[False, True], ignore_index=True
    )
    return table.head(n)


def duplicates_sentence(v: View) -> str:
    """How many projects several mappings list, naming the most listed (the top bars, every
    tied one)."""
    table = duplicates_table(v, len(v.projects))
    most = ""
    if not table.empty:
        top = takeaways.leaders(table, "mappings listing it", "project")
        count = int(table["mappings listing it"].iloc[0])
        most = f"{name_list(top, 3)} ({plural(count, 'mapping')}{each(top)})"
    return takeaways.duplicates(v.projects, most)


# Chart builders ------------------------------------------------------------------------


def _bars(
    table: pd.DataFrame,
    label: str,
    value: str,
    title: str,
    x_title: str,
    **kwargs: object,
) -> go.Figure:
    """`table` as horizontal bars in its row order (the first row at the top)."""
    series = pd.Series(table[value].to_numpy(), index=table[label].to_numpy())
    return bar_chart(series, title=title, x_title=x_title, **kwargs)


def kinds_chart(v: View) -> Chart | None:
    """Mapping efforts by kind."""
    table = kinds_table(v)
    if table.empty:
        return None
    fig = _bars(table, "kind", "mapping efforts", "Mapping efforts by kind", "mapping efforts")
    return Chart(fig, table)


def topics_chart(v: View) -> Chart | None:
    """Mappings per topic."""
    table = topics_table(v)
    if table.empty:
        return None
    return Chart(_bars(table, "topic", "mappings", "Mappings per topic", "mappings"), table)


def users_chart(v: View) -> Chart | None:
    """Mappings per target-user group."""
    table = users_table(v)
    if table.empty:
        return None
    title = "Mappings per target-user group"
    return Chart(_bars(table, "target users", "mappings", title, "mappings"), table)


def where_chart(v: View) -> Chart | None:
    """World map of the coverage map's default colouring (offline), from the same answer
    as its sentence."""
    if v.mappings.empty:
        return None
    answer = coverage_map_view.map_answer(v.model, v.filters, "regional")
    summary = coverage_map_view.map_summary(v.model, v.filters).summary
    data = summary[["iso3", "name", "regional mappings", "mappings", "projects"]]
    title = "Regional and national mappings covering each country"
    if v.model.shapes.empty:
        dist = answer.values.value_counts().sort_index()
        fig = column_chart(dist, title=title, x_title="mappings covering", y_title="countries")
        return Chart(fig, data)
    geometry = v.model.derived("map_geometry", lambda: map_geometry(v.model.shapes, v.model.points))
    fig = world_choropleth(geometry, answer.values, "regional or national mappings", title=title)
    return Chart(fig, data)


def overlap_chart(v: View) -> Chart | None:
    """The most alike pairs of mappings by topics and target users (Jaccard): each pair's
    two short names on two lines, the full names on hover."""
    table = overlap_table(v)
    if table.empty:
        return None
    short = v.model.mapping_short_names
    ticks = [
        f"{short.get(a, a)} ×<br>{short.get(b, b)}"
        for a, b in zip(table["mapping A id"], table["mapping B id"], strict=True)
    ]
    fig = bar_chart(
        pd.Series(table["Jaccard similarity"].to_numpy(), index=ticks),
        title="Most alike pairs by topics and target users",
        x_title="Jaccard similarity",
        hover=[f"{a} × {b}" for a, b in zip(table["mapping A"], table["mapping B"], strict=True)],
        text=[
            f"{j:.2f} · {n} in common"
            for j, n in zip(
                table["Jaccard similarity"], table["topics and users in common"], strict=True
            )
        ],
    )
    return Chart(fig, table)


def duplicates_chart(v: View) -> Chart | None:
    """The projects listed by the most mappings (short titles, full ones on hover)."""
    table = duplicates_table(v)
    if table.empty:
        return None
    fig = _bars(
        table.assign(label=short_labels(list(table["project"]), 48)),  # "CMM Review: Ghana…"
        "label",
        "mappings listing it",
        "Projects listed by the most mappings",
        "mappings listing the project",
        hover=table["project"].tolist(),
    )
    return Chart(fig, table)


STORY_ARC_ROWS = 16  # mappings on the cooperation step at most (the most linked)
STORY_ARC_PX = 400  # px the projector gives the arc diagram at 1280x720, at least


def cooperation_chart(v: View) -> Chart | None:
    """The cooperation links of the filtered mappings as an arc diagram (one row per linked
    mapping, the most linked first); for the projector, labels as large as the rows allow."""
    if v.mappings.empty or v.links.empty:
        return None
    nodes = network.node_table(v.mappings, v.coverage, v.projects)
    order = network.arc_order(nodes, v.links, max_nodes=STORY_ARC_ROWS)
    drawn = set(order["id"])
    links = v.links[v.links["mapping_a"].isin(drawn) & v.links["mapping_b"].isin(drawn)]
    style = dict(
        labels=v.model.mapping_short_names,
        kind_labels=v.labels["kinds"],
        link_labels=v.labels["link_kinds"],
        kind_order=list(v.model.inventory.vocabulary("mapping_kinds")["id"]),
    )
    fig = network_chart.arc_diagram(nodes, order, links, **style)
    row_px = STORY_ARC_PX / len(order)
    big = network_chart.arc_diagram(
        nodes,
        order,
        links,
        title="",
        font_size=max(12, min(PROJECTOR_FONT, int(row_px / 1.3))),
        row_px=row_px,
        fixed_height=False,
        **style,
    )
    big.update_layout(
        margin_t=10,
        margin_r=260,
        hoverlabel_font_size=PROJECTOR_FONT,
        showlegend=True,  # the page's legend is HTML above the chart; here, the chart's own
        legend=dict(x=1.02, xanchor="left", y=1, font_size=16, itemsizing="constant"),
    )
    big.update_traces(showlegend=False, selector=dict(mode="markers", marker_symbol="arrow"))
    table = network_chart.link_table(v.links, v.names, v.labels["link_kinds"])
    return Chart(fig, table, big)


def gaps_chart(v: View) -> Chart | None:
    """Need against support for the gaps page's default question: the same answer as the
    sentence, whose countries it names."""
    grid, cells = gaps_view.need_grid(v.model, v.filters, gaps.GapQuestion(), projector=True)
    return None if grid is None else Chart(grid, cells)


STEPS: tuple[Step, ...] = (
    Step(
        "who",
        "Who maps",
        "Who maps cybersecurity capacity building, and how?",
        kinds_sentence,
        kinds_chart,
        "Number of mapping efforts of each kind.",
        "Home",
    ),
    Step(
        "where",
        "Where",
        "Where do the mappings look?",
        where_sentence,
        where_chart,
        "Countries coloured by the regional and national mappings covering them (the "
        "global ones are named in the sentence); small states drawn as circles.",
        "Coverage map",
    ),
    Step(
        "topics",
        "On what",
        "On which topics?",
        topics_sentence,
        topics_chart,
        "Number of mappings that cover each topic (a mapping may cover several).",
        "Topics",
    ),
    Step(
        "users",
        "For whom",
        "For whom?",
        users_sentence,
        users_chart,
        "Number of mappings that serve each target-user group.",
        "Topics",
    ),
    Step(
        "overlap",
        "Overlap",
        "Where do the mappings overlap?",
        overlap_sentence,
        overlap_chart,
        "The most alike pairs of mappings: topics and target users in common over all of "
        "either's (Jaccard, 1 = identical profiles); pairs equally alike, the larger "
        "overlap first. Hover a pair for the full names.",
        "Overlap",
    ),
    Step(
        "duplicates",
        "Duplicates",
        "Which projects appear in several mappings?",
        duplicates_sentence,
        duplicates_chart,
        "The projects listed by the most mappings (two or more); hover a bar for the full title.",
        "Projects & duplicates",
    ),
    Step(
        "cooperation",
        "Cooperation",
        "Who already cooperates?",
        cooperation_sentence,
        cooperation_chart,
        "Mapping efforts with a known cooperation link, one per row, grouped and coloured by "
        "kind; an arc runs from the giving to the receiving mapping, its arrow pointing that "
        "way. Mappings with no link are left out.",
        "Cooperation",
    ),
    Step(
        "gaps",
        "Gaps",
        "Where should the next mapping or project go?",
        gaps_sentence,
        gaps_chart,
        "ODA-eligible states by ITU GCI 2024 tier (need) and the projects naming them "
        "(support); the colour counts the countries in a cell; framed and bold: high need, "
        "thin support.",
        "Gaps",
    ),
)
