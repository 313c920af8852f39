"""The guided story for a live presentation: the forum's questions as data.

Each `Step` names its question, a takeaway function and a chart builder. Both take the
same `View` (the model and the rows that pass the filters), so every sentence and chart
is computed from the current data: add a mapping and the story changes. The page
(`pages/story.py`) only draws the step the URL names (`?present=1&step=3`).

Also here: the projector styling (constant CSS written here, never user text, and larger
figure fonts) and the plotly config that lets the modebar camera save a PNG offline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from cbdash.analysis import gaps, network
from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.analysis.topics import value_counts
from cbdash.present import network_chart, takeaways
from cbdash.present.charts import bar_chart, column_chart
from cbdash.present.views import coverage_map as coverage_map_view
from cbdash.present.views import gaps as gaps_view
from cbdash.present.world_map import map_geometry, world_choropleth
from cbdash.text import escape_markdown

PRESENT_PARAM = "present"
STEP_PARAM = "step"
PROJECTOR_FONT = 20
CHART_KEY = "story_chart"  # the container the projector CSS sizes to the window

# Constant CSS for the projector theme: large type, high contrast, no sidebar or toolbar.
PROJECTOR_CSS = """
<style>
html { font-size: 22px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff; color: #000000; }
[data-testid="stMainBlockContainer"], .block-container {
  padding: 0.6rem 2rem 0.6rem 2rem !important; max-width: 100% !important; }
h1 { font-size: 1.9rem !important; line-height: 1.2 !important; padding: 0.2rem 0 !important;
  color: #000000 !important; }
[data-testid="stMarkdownContainer"] p { font-size: 1.15rem; line-height: 1.35; color: #000000; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  font-size: 20px !important; color: #1a1a1a !important; opacity: 1 !important; }
.stButton button p { font-size: 22px !important; font-weight: 600; color: inherit !important; }
.stButton button { min-height: 2.2rem; border-width: 2px; }
.st-key-story_chart { flex: 0 0 auto !important; height: calc(100vh - 13.5rem) !important;
  min-height: 300px; }
</style>
"""

# Constant script: a presenter's clicker (PageDown/PageUp) or the arrow keys press Next/Back.
PRESENTER_KEYS_JS = """
<script>
(() => {
  if (window.cbdashPresenterKeys) return;
  window.cbdashPresenterKeys = true;
  const keys = {ArrowRight: "story_next", PageDown: "story_next",
                ArrowLeft: "story_prev", PageUp: "story_prev"};
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    const button = keys[event.key] && document.querySelector(`.st-key-${keys[event.key]} button`);
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
})();
</script>
"""


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
    """A step's figure and the frame it draws (for the CSV download)."""

    figure: go.Figure
    data: pd.DataFrame


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
        figure = None if chart is None else (projector(chart.figure) if present else chart.figure)
        return ShownStep(escape_markdown(step.takeaway(v)), chart, figure)

    return model.memo(("story", filters, number, present), make)


def is_present(raw: str | None) -> bool:
    """True for `?present=1` (or true/yes/on)."""
    return str(raw or "").strip().lower() in {"1", "true", "yes", "on"}


def parse_step(raw: str | None, n_steps: int) -> tuple[int, str | None]:
    """The 1-based step a link names, clamped to 1..n_steps, and a message if it was bad."""
    if raw is None or str(raw).strip() == "":
        return 1, None
    try:
        number = int(str(raw).strip())
    except ValueError:
        return 1, f"Ignored step '{raw}' in the link: not a number. Showing step 1."
    clamped = min(max(number, 1), n_steps)
    if clamped != number:
        return clamped, f"The story has steps 1 to {n_steps}; showing step {clamped}."
    return clamped, None


def projector(fig: go.Figure) -> go.Figure:
    """A copy of `fig` with type large enough for the back of a room and no fixed height
    (it fills the container that the projector CSS sizes to the window)."""
    big = go.Figure(fig)
    big.update_layout(
        template="plotly_white",
        font=dict(size=PROJECTOR_FONT, color="#000000"),
        title=dict(font=dict(size=PROJECTOR_FONT + 4)),
        legend=dict(font=dict(size=PROJECTOR_FONT - 2)),
        hoverlabel=dict(font_size=PROJECTOR_FONT),
        height=None,
        autosize=True,
        margin=dict(l=10, r=10, t=50, b=10),
    )
    big.update_xaxes(automargin=True)
    big.update_yaxes(automargin=True)
    big.update_annotations(font_size=PROJECTOR_FONT)
    big.update_traces(textfont_size=PROJECTOR_FONT, selector=dict(type="bar"))
    big.update_traces(textfont_size=PROJECTOR_FONT, selector=dict(mode="markers+text"))
    return big


# Takeaways that combine existing ones or need the view ---------------------------------


def where_sentence(v: View) -> str:
    """The coverage map's default sentence: regional and national mappings, and the global
    mappings named apart (`views.coverage_map.map_answer`)."""
    return coverage_map_view.map_answer(v.model, v.filters, "regional").text


def gaps_sentence(v: View) -> str:
    """The gaps page's default answer (`views.gaps.gap_answer`): high need, thin support."""
    return gaps_view.gap_answer(v.model, v.filters, gaps.GapQuestion()).text


def cooperation_sentence(v: View) -> str:
    """Links, stand-alone mappings and the most common kind of link."""
    text = takeaways.cooperation(v.model.inventory.cooperation, v.mappings)
    if v.links.empty:
        return text
    return (
        text + " " + takeaways.cooperation_hub(v.links, v.mappings, v.names, v.labels["link_kinds"])
    )


# Chart builders ------------------------------------------------------------------------


def _counts_chart(
    counts: pd.Series, title: str, x_title: str, labels: Mapping[str, str], what: str
):
    if counts.empty:
        return None
    fig = bar_chart(counts, title=title, x_title=x_title, labels=dict(labels))
    data = counts.rename_axis(what).reset_index(name="mappings")
    data.insert(1, "label", data[what].map(lambda k: labels.get(k, k)))
    return Chart(fig, data)


def kinds_chart(v: View) -> Chart | None:
    """Mapping efforts by kind."""
    return _counts_chart(
        v.mappings["kind"].value_counts(),
        "Mapping efforts by kind",
        "mapping efforts",
        v.labels["kinds"],
        "kind",
    )


def topics_chart(v: View) -> Chart | None:
    """Mappings per topic."""
    return _counts_chart(
        value_counts(v.mappings, "id", "topics"),
        "Mappings per topic",
        "mappings",
        v.labels["topics"],
        "topic",
    )


def users_chart(v: View) -> Chart | None:
    """Mappings per target-user group."""
    return _counts_chart(
        value_counts(v.mappings, "id", "target_users"),
        "Mappings per target-user group",
        "mappings",
        v.labels["users"],
        "target_users",
    )


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


def overlap_chart(v: View, n: int = 8) -> Chart | None:
    """The most alike pairs of mappings by topics and target users (Jaccard)."""
    if len(v.mappings) < 2:
        return None
    pairs = takeaways.profile_pairs(v.mappings).head(n)
    if pairs.empty:
        return None
    short = {m: network_chart.short_name(n, 24) for m, n in v.names.items()}
    label = pairs["mapping_a"].map(short) + " × " + pairs["mapping_b"].map(short)
    series = pd.Series(pairs["value"].round(2).to_numpy(), index=label.to_numpy())
    fig = bar_chart(
        series, title="Most alike pairs by topics and target users", x_title="Jaccard similarity"
    )
    data = pairs.assign(
        name_a=pairs["mapping_a"].map(v.names), name_b=pairs["mapping_b"].map(v.names)
    ).rename(columns={"value": "jaccard"})
    return Chart(fig, data)


def duplicates_chart(v: View) -> Chart | None:
    """Projects by the number of mappings that list them."""
    if v.projects.empty:
        return None
    listed = v.projects["listed_in"].map(len)
    dist = listed.value_counts().reindex(range(int(listed.max()) + 1), fill_value=0)
    fig = column_chart(
        dist,
        title="Projects by the number of mappings listing them",
        x_title="mappings listing the project",
        y_title="projects",
    )
    data = dist.rename_axis("mappings listing it").reset_index(name="projects")
    return Chart(fig, data)


def cooperation_chart(v: View) -> Chart | None:
    """The cooperation network of the filtered mappings."""
    if v.mappings.empty:
        return None
    nodes = network.node_table(v.mappings, v.coverage, v.projects)
    positions = network.network_layout(nodes, v.links, aspect=2.4)
    fig = network_chart.network_figure(
        nodes,
        positions,
        v.links,
        kind_labels=v.labels["kinds"],
        link_labels=v.labels["link_kinds"],
        kind_order=list(v.model.inventory.vocabulary("mapping_kinds")["id"]),
        label_min_links=3,
        max_labels=5,
        by_kind=False,
    )
    return Chart(fig, network_chart.link_table(v.links, v.names, v.labels["link_kinds"]))


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
        lambda v: takeaways.who_maps(v.mappings, v.labels["kinds"]),
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
        lambda v: takeaways.on_what(v.mappings, "id", v.labels["topics"]),
        topics_chart,
        "Number of mappings that cover each topic (a mapping may cover several).",
        "Topics",
    ),
    Step(
        "users",
        "For whom",
        "For whom?",
        lambda v: takeaways.for_whom(v.mappings, "id", v.labels["users"]),
        users_chart,
        "Number of mappings that serve each target-user group.",
        "Topics",
    ),
    Step(
        "overlap",
        "Overlap",
        "Where do the mappings overlap?",
        lambda v: takeaways.overlap(v.mappings, v.names),
        overlap_chart,
        "The most alike pairs of mappings: shared topics and target users over all of "
        "either's (Jaccard, 1 = identical profiles).",
        "Overlap",
    ),
    Step(
        "duplicates",
        "Duplicates",
        "Which projects appear in several mappings?",
        lambda v: takeaways.duplicates(v.projects),
        duplicates_chart,
        "Listed projects by the number of mappings that list them; 0 = found only on "
        "implementer, donor or news pages.",
        "Explore & download",
    ),
    Step(
        "cooperation",
        "Cooperation",
        "Who already cooperates?",
        cooperation_sentence,
        cooperation_chart,
        "Mapping efforts (size: countries covered) joined by known cooperation links; an "
        "arrow points from the giving to the receiving mapping. Stand-alone mappings sit on "
        "the outer ring.",
        "Cooperation",
    ),
    Step(
        "gaps",
        "Gaps",
        "Where should the next mapping or project go?",
        gaps_sentence,
        gaps_chart,
        "ODA-eligible states by ITU GCI 2024 tier (need) and listed projects naming them "
        "(support); framed and bold: high need, thin support.",
        "Gaps",
    ),
)
