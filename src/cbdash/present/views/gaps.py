"""The Gaps page's view: what it shows, kept per filter state and question.

Every answer is read from one table, `gap_answer(...).table` (`cbdash.analysis.gaps.answer`:
the group's countries with need, support and status), so the sentence, the need x support
grid, the ranked list, the gap map and the summary by region agree; the presentation's gaps
step shows the same answer for the default question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from cbdash.analysis import gaps, need
from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.present import recommendations, takeaways
from cbdash.present.charts import annotated_heatmap, need_support_grid
from cbdash.present.views import need_of, project_reach, regions_of, subregions_of
from cbdash.present.views.coverage_map import map_summary
from cbdash.present.world_map import category_legend, map_geometry, world_coverage_map
from cbdash.text import escape_markdown, lower_first, plural

# The gap map's classes: code -> (words, colour); orange where support is thin.
MAP_CLASSES = {
    0: ("not in the group", (235, 235, 235)),
    1: ("high need, thin support", (217, 72, 1)),
    2: ("thin support, GCI tier unknown", (253, 174, 107)),
    3: ("thin support, lower need", (254, 230, 206)),
    4: ("more support", (65, 182, 196)),
}
NAMED = 3  # countries a sentence names (`text.name_list`'s default limit)
MAX_CELL_NUMBERS = 300  # sub-regions x topics: every cell's number written (22 x 11 < 300)
MAP_CODES = {
    gaps.RANKED: 1,
    gaps.UNKNOWN: 2,
    gaps.LOWER: 3,
    gaps.HIGH_INCOME: 3,
    gaps.SUPPORTED: 4,
}


def gap_topics(model: Model) -> list[str]:
    """The topics a gap question can ask about (every topic but "other")."""
    return model.derived(
        "gap_topics",
        lambda: [t for t in model.inventory.vocabulary("topics")["id"] if t != "other"],
    )


def gap_context(model: Model) -> pd.DataFrame:
    """The context groups (ODA, LDC, SIDS, income groups) indexed by group id, with whether
    each is in the data, its name, size, date and source (`gaps.context_groups`)."""
    inv = model.inventory
    return model.derived(
        "gap_context",
        lambda: gaps.context_groups(inv.groups, inv.country_groups).set_index("group_id"),
    )


def gap_context_sources(model: Model) -> str:
    """The context groups and the GCI as a Markdown list: name, number of countries, date
    and a link to the source (escaped; groups not in the data say so)."""

    def make() -> str:
        lines = []
        for row in gap_context(model).itertuples():
            when = f", as of {row.as_of}" if str(row.as_of or "") else ""
            link = f" ([source](<{row.source_url}>))" if str(row.source_url or "") else ""
            size = f"{row.countries} countries" if row.present else "not in the data"
            lines.append(f"- {escape_markdown(str(row.name))}: {size}{when}{link}")
        tiers = need_of(model)["gci_tier"]
        lines.append(
            f"- ITU Global Cybersecurity Index 2024: a tier for {int(tiers.notna().sum())} "
            "countries (of the 194 ITU assessed); the others are shown as "
            f"'{need.UNKNOWN_TIER}' (see Data & method, gci2024.csv)"
        )
        return "\n".join(lines)

    return model.derived("gap_context_sources_md", make)


def gci_known(model: Model) -> str:
    """How many countries the data has a GCI 2024 tier for, in words, for a caption."""
    tiers = need_of(model)["gci_tier"]
    return (
        f"GCI 2024 tiers are known for {int(tiers.notna().sum())} countries (of the 194 ITU "
        "assessed, compiled from pages quoting the report); the others are shown as "
        f"'{need.UNKNOWN_TIER}', never as low or high need."
    )


def gap_groups(model: Model) -> dict[str, str]:
    """The groups a gap question can be read against, id -> name: the context groups in the
    data, UN member states (when the data has them) and every state; made once per model
    (read three times a rerun: 3 ms)."""
    return dict(model.derived("gap_groups", lambda: _gap_groups(model)))


def _gap_groups(model: Model) -> dict[str, str]:
    context = gap_context(model)
    present = context[context["present"]]
    names = {
        "oda_recipients": "ODA-eligible states",
        **{g: str(n) for g, n in present["name"].items() if g != "oda_recipients"},
    }
    groups = {g: n for g, n in names.items() if g in present.index}
    if gaps.group_members(model.inventory.country_groups, "un_members"):
        groups["un_members"] = "UN member states"
    groups["all"] = "All states"
    return groups


def gap_members(model: Model, group: str) -> set[str]:
    """The states of a group (`gaps.population`), read-only."""
    return model.memo(
        ("gap_members", group),
        lambda: gaps.population(need_of(model), model.inventory.country_groups, group),
    )


def gap_noun(group: str) -> str:
    """A plural noun for the group in sentences, e.g. "ODA-eligible states"."""
    return gaps.CONTEXT_NOUNS.get(group, "states")


def support_words(model: Model, q: gaps.GapQuestion) -> str:
    """What thin support means for the question, in words."""
    label = model.labels["topics"].get(q.topic) if q.topic else None
    return takeaways.thin_support(q.max_projects, q.max_mappings, label)


@dataclass(frozen=True)
class GapAnswer:
    """The answer to a gap question: the table every view reads (`gaps.answer`), the
    sentence (`text`; `sentence` is it Markdown-escaped), the ranked countries and those
    with thin support but no GCI tier (readable tables, with why each is there)."""

    table: pd.DataFrame
    text: str
    ranked: pd.DataFrame
    unknown: pd.DataFrame

    @property
    def sentence(self) -> str:
        """The sentence, Markdown-escaped."""
        return escape_markdown(self.text)


def gap_answer(model: Model, filters: Filters, q: gaps.GapQuestion) -> GapAnswer:
    """The answer among the mappings and projects that pass the filters, kept per filter
    state and question."""

    def make() -> GapAnswer:
        projects = gaps.projects_on(model.filtered_projects(filters), q.topic)
        regional = map_summary(model, filters).summary.set_index("iso3")["regional mappings"]
        support = gaps.support_table(
            need_of(model).reset_index(drop=True),
            gap_members(model, q.group),
            regional,
            model.project_counts(projects),
            regions_of(model),
            subregions_of(model),
        )
        table = gaps.answer(q, support)
        need_label = need.NEED_LABELS[q.need] if need.NEED_LEVELS[q.need] else None
        sentence = takeaways.gap_countries(
            table, noun=gap_noun(q.group), need_label=need_label, support=support_words(model, q)
        )
        return GapAnswer(
            table,
            sentence,
            _readable(model, q, table[table["status"] == gaps.RANKED], ranked=True),
            _readable(model, q, table[table["status"] == gaps.UNKNOWN], ranked=False),
        )

    return model.memo(("gap_answer", filters, q), make)


def need_grid(
    model: Model, filters: Filters, q: gaps.GapQuestion, projector: bool = False
) -> tuple[go.Figure | None, pd.DataFrame]:
    """The need x support grid of `gap_answer` (None when the group is empty) and its cells
    as rows; the countries its sentence names are always written in it, besides up to two
    per cell (one, in larger type and on one line, for a `projector`). Kept per filter
    state, question and size."""
    return model.memo(
        ("need_grid", filters, q, projector),
        lambda: _grid(model, q, gap_answer(model, filters, q).table, projector),
    )


def _grid(
    model: Model, q: gaps.GapQuestion, table: pd.DataFrame, projector: bool
) -> tuple[go.Figure | None, pd.DataFrame]:
    if table.empty:
        return None, pd.DataFrame()
    on = model.labels["topics"].get(q.topic, "") if q.topic else ""
    named = table[table["status"] == gaps.RANKED].sort_values("rank")["name"].head(NAMED)
    return need_support_grid(
        table,
        title="Need (ITU GCI 2024 tier) against support ("
        + (f"{lower_first(on)} " if on else "")
        + "projects of the inventory)",
        max_projects=q.max_projects,
        tier_labels={t: f"tier {t} ({name})" for t, name in need.TIER_NAMES.items()},
        unknown_label=need.UNKNOWN_TIER,
        need_tiers=need.NEED_LEVELS[q.need],
        always=list(named),
        **(dict(max_names=1, text_size=16, wrap=26) if projector else {}),
    )


def _readable(
    model: Model, q: gaps.GapQuestion, rows: pd.DataFrame, *, ranked: bool
) -> pd.DataFrame:
    """Rows of the answer as a table for people, with why each row is there."""
    on = model.labels["topics"].get(q.topic, "") if q.topic else ""
    projects = f"{lower_first(on)} projects" if on else "projects"
    out = pd.DataFrame(
        {
            "rank": rows["rank"],
            "country": rows["name"],
            "why": [_why(r, projects) for _, r in rows.iterrows()],
            "sub-region": rows["subregion"],
            "GCI 2024 tier": rows["gci_tier"].map(need.tier_cell),
            projects: rows["projects"],
            "regional or national mappings": rows["mappings"],
            "context": [
                "; ".join((["ODA-eligible"] if r["oda"] else []) + need.context_words(r))
                for _, r in rows.iterrows()
            ],
        }
    )
    return (out if ranked else out.drop(columns=["rank"])).reset_index(drop=True)


def _why(row: pd.Series, projects: str) -> str:
    """Why a country is on the list: its need and its support, in words."""
    needs = [need.tier_label(row["gci_tier"]), *need.context_words(row, income=False)]
    n_projects, n_mappings = int(row["projects"]), int(row["mappings"])
    one = projects[:-1]  # "projects" -> "project"
    on_projects = (
        f"{n_projects} {one if n_projects == 1 else projects}" if n_projects else f"no {one}"
    )
    mapping = "regional or national mapping"
    on_mappings = plural(n_mappings, mapping) if n_mappings else f"no {mapping}"
    return f"need: {', '.join(needs)}; support: {on_projects} and {on_mappings}"


@dataclass(frozen=True)
class RegionTopics:
    """Projects of the inventory per sub-region x topic (rows: the sub-regions that hold
    countries of the group, every topic; 0 = none), its heatmap (None when empty), its
    sentence and its empty cells as rows."""

    matrix: pd.DataFrame
    heatmap: go.Figure | None
    sentence: str
    cells: pd.DataFrame


def gap_region_topics(model: Model, filters: Filters, q: gaps.GapQuestion) -> RegionTopics:
    """Projects that pass the filters reaching the group's countries per UN M49 sub-region
    (~22) and topic; kept per filter state and question."""

    def make() -> RegionTopics:
        labels = model.labels["topics"]
        topics = [q.topic] if q.topic else gap_topics(model)
        members = gap_members(model, q.group)
        of, region = subregions_of(model), regions_of(model)
        within = {of[c]: region.get(c, "") for c in members if c in of.index}
        rows = sorted(within, key=lambda s: (within[s], s))  # by UN region, then name
        chosen = model.project_mask(gaps.projects_on(model.filtered_projects(filters), q.topic))
        reach = project_reach(model)
        matrix = reach.region_topic(chosen, members, of, rows, topics)
        sentence = takeaways.empty_region_topics(
            matrix, labels, gap_noun(q.group), int((chosen & reach.global_rows).sum())
        )
        heatmap = None
        if not matrix.empty:
            heatmap = annotated_heatmap(
                matrix,
                title=f"Projects reaching {gap_noun(q.group)}, per sub-region and topic",
                x_title="topic",
                y_title="UN M49 sub-region",
                x_labels=labels,
                zero_grey=True,
                max_text_cells=MAX_CELL_NUMBERS,
            )
        cells = gaps.empty_cells(matrix).rename(
            columns={"row": "sub-region", "column": "topic", "count": "projects"}
        )
        cells["topic"] = cells["topic"].map(lambda t: labels.get(t, t))
        return RegionTopics(matrix, heatmap, escape_markdown(sentence), cells)

    return model.memo(("gap_region_topics", filters, q), make)


@dataclass(frozen=True)
class GapMap:
    """The gap map (pydeck), its legend (HTML) and its sentence (Markdown-escaped)."""

    deck: pdk.Deck
    legend: str
    sentence: str


def gap_map(model: Model, filters: Filters, q: gaps.GapQuestion) -> GapMap:
    """The group's countries coloured by their status in the answer; kept per filter state
    and question."""

    def make() -> GapMap:
        table = gap_answer(model, filters, q).table
        codes = table.set_index("iso3")["status"].map(MAP_CODES).astype(int)
        values = codes.reindex(model.countries["iso3"]).fillna(0).astype(int)
        classes = dict(MAP_CLASSES)
        any_need = need.NEED_LEVELS[q.need] is None
        if any_need:  # every thin-support country is ranked, whatever its tier
            classes[1] = ("thin support, any GCI tier", classes[1][1])
            del classes[2], classes[3]
        bins = [(code, code, rgb) for code, (_, rgb) in classes.items()]
        geometry = model.derived("map_geometry", lambda: map_geometry(model.shapes, model.points))
        names = {code: words for code, (words, _) in classes.items()}
        deck = world_coverage_map(geometry, values, "gap", bins=bins, value_names=names)
        legend = category_legend(
            list(classes.values()),
            f"{_upper_first(gap_noun(q.group))}: support ({support_words(model, q)}) and need",
        )
        sentence = takeaways.gap_map(
            table, noun=gap_noun(q.group), support=support_words(model, q), any_need=any_need
        )
        return GapMap(deck, legend, escape_markdown(sentence))

    return model.memo(("gap_map", filters, q), make)


@dataclass(frozen=True)
class GapReport:
    """The summary of overlaps and gaps by region: the table, its Markdown without the top
    heading (to show) and the whole Markdown as bytes (to download)."""

    summary: pd.DataFrame
    body: str
    markdown: bytes


def gap_report(model: Model, filters: Filters, q: gaps.GapQuestion, on: date) -> GapReport:
    """`recommendations.by_region` of the answer to `q` among the mappings and projects that
    pass the filters, dated `on`; kept per filter state, question and date."""

    def make() -> GapReport:
        answer = gap_answer(model, filters, q)
        topics = [q.topic] if q.topic else gap_topics(model)
        summary = recommendations.by_region(
            model,
            model.filtered_mappings(filters),
            gaps.projects_on(model.filtered_projects(filters), q.topic),
            answer.table,
            topics,
            project_reach(model),
        )
        md = recommendations.to_markdown(
            summary,
            question=_question_words(model, q),
            filters_text=filters.describe(model.labels),
            on=on,
        )
        return GapReport(summary, md.split("\n", 1)[1], md.encode("utf-8"))

    return model.memo(("gap_report", filters, q, on), make)


def _question_words(model: Model, q: gaps.GapQuestion) -> str:
    """The question in words, for the report's preamble."""
    label = need.NEED_LABELS[q.need]
    return (
        f"{_upper_first(gap_noun(q.group))}; high need = {label}; thin support = "
        f"{support_words(model, q)}."
    )


def _upper_first(text: str) -> str:
    """'ODA-eligible states' stays as it is; 'least developed ...' -> 'Least developed ...'."""
    return text[:1].upper() + text[1:]
