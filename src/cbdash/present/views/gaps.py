"""The Gaps page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from cbdash.analysis import gaps
from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.present import recommendations, takeaways
from cbdash.present.charts import annotated_heatmap
from cbdash.text import escape_markdown


def gap_topics(model: Model) -> list[str]:
    """The topics a gap question can ask about (every topic but "other")."""
    return model.derived(
        "gap_topics",
        lambda: [t for t in model.inventory.vocabulary("topics")["id"] if t != "other"],
    )


def gap_context(model: Model) -> pd.DataFrame:
    """The context groups (LDC, SIDS, income groups) indexed by group id, with whether each
    is in the data, its name, size, date and source (`gaps.context_groups`)."""
    inv = model.inventory
    return model.derived(
        "gap_context",
        lambda: gaps.context_groups(inv.groups, inv.country_groups).set_index("group_id"),
    )


def gap_members(model: Model, group: str) -> set[str]:
    """The ISO3 codes of a group's members (read-only)."""
    return model.memo(
        ("gap_members", group),
        lambda: gaps.group_members(model.inventory.country_groups, group),
    )


def gap_context_sources(model: Model) -> str:
    """The context groups as a Markdown list: name, number of countries, date and a link
    to the source (escaped; groups not in the data say so). Made once per model."""

    def make() -> str:
        lines = []
        for row in gap_context(model).itertuples():
            when = f", as of {row.as_of}" if str(row.as_of or "") else ""
            link = f" ([source](<{row.source_url}>))" if str(row.source_url or "") else ""
            size = f"{row.countries} countries" if row.present else "not in the data"
            lines.append(f"- {escape_markdown(str(row.name))}: {size}{when}{link}")
        return "\n".join(lines)

    return model.derived("gap_context_sources_md", make)


def gap_groups(model: Model) -> dict[str, str]:
    """The groups a gap question can read against, id -> name: UN member states (when the
    data has them), the context groups, and every known country."""
    context = gap_context(model)
    groups = {"un_members": "UN member states", **context["name"], "all": "All countries"}
    if not gap_members(model, "un_members"):
        del groups["un_members"]
    return groups


def gap_condition(q: gaps.GapQuestion, topic_labels: dict[str, str]) -> str:
    """The question's condition in words, e.g. "covered by at most 2 mappings and ..."."""
    return takeaways.gap_condition(
        q.max_mappings, q.max_projects, topic_labels.get(q.topic or ""), q.regional_only
    )


@dataclass(frozen=True)
class GapCountries:
    """The answer's countries: the ranked table, its sentence and how many per UN region
    (columns region, countries; most first; empty when no country meets the condition)."""

    table: pd.DataFrame
    sentence: str
    per_region: pd.DataFrame


def gap_countries(model: Model, filters: Filters, q: gaps.GapQuestion) -> GapCountries:
    """The countries that meet the question among the mappings and projects that pass the
    filters, kept per filter state and question."""

    def make() -> GapCountries:
        table = gaps.answer(
            q,
            model.filtered_mappings(filters),
            model.filtered_projects(filters),
            model.coverage,
            model.countries,
            model.country_regions,
            model.inventory.country_groups,
            project_counts=model.project_counts,
        )
        noun = {"un_members": "UN member states", **gaps.CONTEXT_NOUNS}.get(q.group)
        sentence = takeaways.gap_countries(
            table,
            gap_condition(q, model.labels["topics"]),
            group_noun=noun,
            group_size=len(gap_members(model, q.group)),
        )
        regions = table["region"].replace("", "(no UN region)").value_counts()
        per_region = regions.rename_axis("region").rename("countries").reset_index()
        return GapCountries(table, escape_markdown(sentence), per_region)

    return model.memo(("gap_countries", filters, q), make)


def gap_region_topics(
    model: Model, filters: Filters, q: gaps.GapQuestion
) -> tuple[go.Figure | None, pd.DataFrame]:
    """The heatmap of listed projects per region x topic (None when the data has no
    regions) and the region x topic cells that meet the question, topics by their labels;
    kept per filter state and question."""
    labels = model.labels["topics"]
    regions = model.derived("gap_regions", lambda: sorted(set(model.country_regions["region"])))
    topics = gap_topics(model)

    def by_projects() -> pd.DataFrame:
        # Projects per region x topic from boolean matrices built once per model.
        inv = model.inventory
        reach = model.derived(
            "gap_project_reach",
            lambda: gaps.ProjectReach.build(model.project_regions, inv.projects),
        )
        chosen = model.project_mask(model.filtered_projects(filters))
        return reach.region_topic(chosen, topics)

    def make() -> tuple[go.Figure | None, pd.DataFrame]:
        matrix, cells = gaps.region_topic_answer(
            q,
            model.filtered_mappings(filters),
            model.filtered_projects(filters),
            model.coverage,
            model.mapping_regions,
            model.project_regions,
            regions,
            topics,
            by_projects=model.memo(("gap_region_topic_projects", filters), by_projects),
        )
        heatmap = None
        if regions:
            heatmap = annotated_heatmap(
                matrix,
                title="Listed projects per region and topic",
                x_title="topic",
                y_title="region",
                x_labels=labels,
            )
        return heatmap, cells.assign(topic=cells["topic"].map(lambda t: labels.get(t, t)))

    return model.memo(("gap_region_topic", filters, q), make)


@dataclass(frozen=True)
class GapReport:
    """The summary of overlaps and gaps by region: the table, its Markdown without the top
    heading (to show) and the whole Markdown as bytes (to download)."""

    summary: pd.DataFrame
    body: str
    markdown: bytes


def gap_report(model: Model, filters: Filters, max_mappings: int, on: date) -> GapReport:
    """`recommendations.by_region` for the mappings and projects that pass the filters,
    dated `on`; kept per filter state, mapping limit and date."""

    def make() -> GapReport:
        summary = recommendations.by_region(
            model,
            model.filtered_mappings(filters),
            model.filtered_projects(filters),
            max_mappings=max_mappings,
        )
        md = recommendations.to_markdown(
            summary,
            max_mappings=max_mappings,
            filters_text=filters.describe(model.labels),
            on=on,
        )
        return GapReport(summary, md.split("\n", 1)[1], md.encode("utf-8"))

    return model.memo(("gap_report", filters, max_mappings, on), make)
