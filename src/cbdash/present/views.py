"""What a page shows, computed from the model and kept per filter state (`Model.memo`).

A page reads its widgets, calls one function here per section and renders the result; the
analyses themselves are in `cbdash.analysis` (gaps, network and the like). Every function is
pure apart from the model's memo: the same model, filters and question give the same
(read-only) objects, computed once.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from cbdash import dedupe
from cbdash.analysis import coverage, funding, gaps, network, overlap
from cbdash.analysis.filters import Filters
from cbdash.analysis.membership import explode, membership_matrix
from cbdash.analysis.model import Model
from cbdash.analysis.projects import check_list, flat, nearest_score
from cbdash.analysis.topics import mapping_topic_matrix, region_topic_matrix, users_topic_matrix
from cbdash.present import figures, recommendations, takeaways
from cbdash.present.recommendations import escape_markdown
from cbdash.present.tables import cited_pages, mapping_table, matrix_long, search


def _mapping_ids(model: Model, filters: Filters) -> tuple[str, ...]:
    """The ids of the mappings that pass the filters, kept per filter state: the key of
    what depends only on which mappings pass."""
    return model.memo(
        ("mapping_ids", filters), lambda: tuple(model.filtered_mappings(filters)["id"])
    )


# Gaps ------------------------------------------------------------------------------------


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
            heatmap = figures.annotated_heatmap(
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


# Cooperation -----------------------------------------------------------------------------


def cooperation_links(model: Model, filters: Filters, kinds: Sequence[str] = ()) -> pd.DataFrame:
    """The cooperation links among the mappings that pass the filters, of the given kinds
    (every kind when none is given); kept per set of mappings and kinds."""
    ids = _mapping_ids(model, filters)
    return model.memo(
        ("coop_links", ids, tuple(kinds)),
        lambda: network.links_among(model.inventory.cooperation, ids, list(kinds) or None),
    )


def cooperation_takeaway(model: Model, filters: Filters) -> str:
    """The page's sentence: how many links, and the most linked mapping (escaped Markdown)."""
    ids = _mapping_ids(model, filters)

    def make() -> str:
        mappings = model.filtered_mappings(filters)
        every = cooperation_links(model, filters)
        names, labels = model.mapping_names, model.labels["link_kinds"]
        return escape_markdown(
            takeaways.cooperation(model.inventory.cooperation, mappings)
            + " "
            + takeaways.cooperation_hub(every, mappings, names, labels)
        )

    return model.memo(("coop_takeaway", ids), make)


def cooperation_network(
    model: Model, filters: Filters, kinds: Sequence[str], size_by: str
) -> tuple[go.Figure, str]:
    """The network of the mappings that pass the filters (links of `kinds`, marker size by
    `size_by`) and its legend as HTML; kept per filter state, kinds and size."""
    inv = model.inventory

    def nodes() -> pd.DataFrame:
        # From counts made once per model (countries per mapping; project listing codes).
        derived = model.derived(
            "coop_countries", lambda: model.coverage.groupby("mapping_id")["iso3"].nunique()
        )
        codes = model.derived("coop_listing_codes", lambda: network.listing_codes(inv.projects))
        chosen = model.project_mask(model.filtered_projects(filters))
        return network.node_table(
            model.filtered_mappings(filters),
            model.coverage,
            inv.projects,
            derived=derived,
            listed=network.listed_counts(codes, chosen),
        )

    def make() -> tuple[go.Figure, str]:
        table = model.memo(("coop_nodes", filters), nodes)
        links = cooperation_links(model, filters, kinds)
        style = dict(
            kind_labels=model.labels["kinds"],
            link_labels=model.labels["link_kinds"],
            kind_order=list(inv.vocabulary("mapping_kinds")["id"]),
        )
        figure = network.network_figure(
            table,
            network.network_layout(table, links, aspect=1.8),
            links,
            size_by=size_by,
            label_min_links=2,
            max_labels=8,
            legend=False,
            **style,
        )
        return figure, network.legend_html(table, links, **style)

    return model.memo(("coop_figure", filters, tuple(kinds), size_by), make)


@dataclass(frozen=True)
class CaseStudies:
    """The links as case studies: a label per link id, its (summary, sources) and the
    readable table of every link."""

    labels: dict[str, str]
    cases: dict[str, tuple[str, tuple[str, ...]]]
    table: pd.DataFrame


def case_studies(model: Model, filters: Filters, kinds: Sequence[str]) -> CaseStudies:
    """The links of `kinds` among the mappings that pass the filters, as case studies;
    kept per set of mappings and kinds."""
    ids = _mapping_ids(model, filters)

    def make() -> CaseStudies:
        links = cooperation_links(model, filters, kinds)
        names, link_labels = model.mapping_names, model.labels["link_kinds"]
        labels = network.case_labels(links, names, link_labels)
        return CaseStudies(
            dict(zip(links["link_id"], labels, strict=True)),
            {
                link: (summary, tuple(sources))
                for link, summary, sources in zip(
                    links["link_id"], links["summary"], links["sources"], strict=True
                )
            },
            network.link_table(links, names, link_labels),
        )

    return model.memo(("coop_link_tables", ids, tuple(kinds)), make)


def sources_markdown(urls: Sequence[str]) -> str:
    """A case study's sources as one Markdown line of links (autolinks, so a URL is shown
    as it is; spaces and angle brackets, which would end an autolink, are percent-encoded)."""
    if not urls:
        return "Sources: none recorded."
    safe = ":/?#[]@!$&'()*+,;=%~-._"
    links = ", ".join(f"<{urllib.parse.quote(url.strip(), safe=safe)}>" for url in urls)
    return f"Source{'s' if len(urls) > 1 else ''}: {links}"


def standing_alone(model: Model, filters: Filters) -> pd.DataFrame:
    """The mappings that pass the filters and have no link of any kind with another of
    them, as readable rows (name, owners, kind, scope, url); kept per set of mappings."""
    ids = _mapping_ids(model, filters)

    def make() -> pd.DataFrame:
        alone = network.standalone(
            model.filtered_mappings(filters), cooperation_links(model, filters)
        )
        # `model.mapping_rows` is row-aligned with the inventory's mappings (unique ids).
        every_id = pd.Index(model.inventory.mappings["id"].to_numpy(dtype=object))
        rows = model.mapping_rows.iloc[every_id.get_indexer(alone["id"].to_numpy(dtype=object))]
        return rows[["name", "owners", "kind", "scope", "url"]].reset_index(drop=True)

    return model.memo(("coop_alone", ids), make)


# Overlap ---------------------------------------------------------------------------------

OVERLAP_DIMENSIONS = {
    "countries": "Countries",
    "topics": "Topics",
    "target_users": "Target users",
    "projects": "Shared projects",
}
OVERLAP_MAX_MATRIX = 60  # a larger matrix is unreadable; the largest mappings are shown
OVERLAP_METRIC_NAMES = {
    "count": "Shared count",
    "jaccard": "Jaccard (shared / union)",
    "overlap": "Overlap coefficient (shared / smaller)",
}

# Multi-part results kept by `Model.memo` are NamedTuples, not dataclasses: `approx_bytes`
# counts a tuple by its parts (a dataclass as 1 KB), so the memo's byte budget sees them as
# it saw the plain tuples the pages kept before.


def overlap_takeaway(model: Model, filters: Filters) -> str:
    """The page's sentence, ranking every pair of the mappings that pass the filters; kept
    per set of mappings."""
    return model.memo(
        ("overlap_takeaway", _mapping_ids(model, filters)),
        lambda: takeaways.overlap(model.filtered_mappings(filters), model.mapping_names),
    )


class OverlapShown(NamedTuple):
    """The overlap matrix as shown: its chart, its long form (the download), the top pairs
    with readable names and values, and the most overlapping pair (ids) if any."""

    figure: go.Figure
    long_form: pd.DataFrame
    pairs: pd.DataFrame
    first: tuple[str, str] | None


class OverlapComparison(NamedTuple):
    """The membership of the compared mappings (at most OVERLAP_MAX_MATRIX, the largest),
    how many were compared and how many have values, and what is shown (None when fewer
    than two have values)."""

    membership: pd.DataFrame
    compared: int
    with_values: int
    shown: OverlapShown | None


def overlap_comparison(
    model: Model, filters: Filters, dim: str, metric: str, no_global: bool
) -> OverlapComparison:
    """The mappings that pass the filters (less the global ones if `no_global`) compared by
    `dim` with `metric`; kept per filter state and choice of comparison."""

    def make() -> OverlapComparison:
        mappings = model.filtered_mappings(filters)
        names = model.mapping_names
        ids = list(
            mappings.loc[~coverage.is_global(mappings), "id"] if no_global else mappings["id"]
        )
        if dim == "countries":
            long = model.coverage.rename(columns={"mapping_id": "id", "iso3": "value"})
        elif dim == "projects":
            long = model.derived(
                "project_listings",
                lambda: explode(model.inventory.projects, "project_id", "listed_in", "id").rename(
                    columns={"project_id": "value"}
                ),
            )
        else:
            long = explode(mappings, "id", dim, "value")
        membership = membership_matrix(long[long["id"].isin(ids)], "id", "value", rows=ids)
        membership = membership[membership.any(axis=1)]
        with_values = len(membership)
        if with_values < 2:
            return OverlapComparison(membership, len(ids), with_values, None)
        if with_values > OVERLAP_MAX_MATRIX:
            largest = membership.sum(axis=1).sort_values(ascending=False, kind="stable").index
            membership = membership.loc[largest[:OVERLAP_MAX_MATRIX]]
        matrix = overlap.ordered(overlap.overlap_matrix(membership, metric))
        number_format = "{:.0f}" if metric == "count" else "{:.2f}"
        figure = figures.annotated_heatmap(
            matrix,
            title=f"{OVERLAP_METRIC_NAMES[metric]} by {OVERLAP_DIMENSIONS[dim].lower()}",
            number_format=number_format,
            x_labels=names,
            y_labels=names,
        )
        top = overlap.top_pairs(matrix, 10)
        first = (top["mapping_a"].iloc[0], top["mapping_b"].iloc[0]) if len(top) else None
        pairs = top.assign(
            mapping_a=lambda d: d["mapping_a"].map(names),
            mapping_b=lambda d: d["mapping_b"].map(names),
            value=lambda d: d["value"].map(number_format.format),
        )
        long_form = matrix_long(matrix, "mapping_a", "mapping_b", metric)
        shown = OverlapShown(figure, long_form, pairs, first)
        return OverlapComparison(membership, len(ids), with_values, shown)

    return model.memo(("overlap", filters, dim, metric, no_global), make)


class OverlapPair(NamedTuple):
    """Two mappings compared: the counts in both / only in one, the values with readable
    names and their status, and the lists as Markdown."""

    summary: dict[str, int]
    detail: pd.DataFrame
    lists: str


def overlap_pair(
    model: Model, filters: Filters, dim: str, metric: str, no_global: bool, a: str, b: str
) -> OverlapPair:
    """What mappings `a` and `b` share and what only one has, in the comparison
    `overlap_comparison(model, filters, dim, metric, no_global)`; kept per filter state,
    comparison and pair."""

    def make() -> OverlapPair:
        membership = overlap_comparison(model, filters, dim, metric, no_global).membership
        names = model.mapping_names
        detail = overlap.pair_detail(membership, a, b)
        # Names of topics, users and countries, and project titles (which win a clash), built
        # once per model rather than a 100,000-entry dict on every rerun.
        value_names = model.derived(
            "overlap_value_names",
            lambda: {
                **model.labels["topics"],
                **model.labels["users"],
                **dict(zip(model.countries["iso3"], model.countries["name"], strict=True)),
            },
        )
        projects = model.inventory.projects
        titles = model.derived(
            "project_titles",
            lambda: dict(zip(projects["project_id"], projects["title"], strict=True)),
        )
        detail["name"] = [titles.get(v, value_names.get(v, v)) for v in detail["value"]]
        detail["status"] = detail["status"].str.replace(a, names[a]).str.replace(b, names[b])
        lists = overlap.pair_lists(detail, names[a], names[b])
        return OverlapPair(overlap.pair_summary(membership, a, b), detail, lists)

    return model.memo(("overlap_pair", filters, dim, metric, no_global, a, b), make)


# Topics ----------------------------------------------------------------------------------

TOPICS_MAX_ROWS = 60  # mappings in the mapping x topic chart (as the overlap matrix)


def topics_sentence(model: Model, filters: Filters) -> str:
    """On which topics and for whom the mappings that pass the filters are; kept per
    filter state."""

    def make() -> str:
        mappings = model.filtered_mappings(filters)
        return (
            takeaways.on_what(mappings, "id", model.labels["topics"])
            + " "
            + takeaways.for_whom(mappings, "id", model.labels["users"])
        )

    return model.memo(("topics_sentence", filters), make)


class TopicMatrix(NamedTuple):
    """A count matrix, its chart (None when there is nothing to draw) and its long form
    for the download."""

    matrix: pd.DataFrame
    figure: go.Figure | None
    long: pd.DataFrame


def topics_by_mapping(model: Model, filters: Filters) -> TopicMatrix:
    """The mapping x topic matrix of the mappings that pass the filters, its chart (busiest
    rows first, at most TOPICS_MAX_ROWS: a taller chart is unreadable and slow to draw) and
    its long form; kept per filter state."""

    def make() -> TopicMatrix:
        matrix = mapping_topic_matrix(model.filtered_mappings(filters))
        figure = figures.annotated_heatmap(
            matrix.head(TOPICS_MAX_ROWS),
            title="Topics each mapping covers (dark = covered)",
            x_title="topic",
            y_title="mapping",
            x_labels=model.labels["topics"],
            y_labels=model.mapping_names,
            show_values=False,  # 0/1: the colour says it; hundreds of cell labels are slow
        )
        return TopicMatrix(matrix, figure, matrix_long(matrix, "mapping", "topic", "covered"))

    return model.memo(("topics_mapping", filters), make)


def topics_by_region(model: Model, filters: Filters, of: str) -> TopicMatrix:
    """The region x topic matrix counting the mappings or projects (`of`) that pass the
    filters, its chart and long form (no chart, and the matrix as long form, when it
    counts nothing); kept per filter state and `of`."""

    def make() -> TopicMatrix:
        if of == "mappings":
            regions = model.mapping_regions.rename(columns={"mapping_id": "id"})
            matrix = region_topic_matrix(regions, model.filtered_mappings(filters), "id")
        else:
            matrix = region_topic_matrix(
                model.project_regions, model.filtered_projects(filters), "project_id"
            )
        if matrix.empty or matrix.to_numpy().sum() == 0:
            return TopicMatrix(matrix, None, matrix)
        figure = figures.annotated_heatmap(
            matrix,
            title=f"{of.capitalize()} per UN region and topic",
            x_title="topic",
            y_title="region",
            x_labels=model.labels["topics"],
        )
        return TopicMatrix(matrix, figure, matrix_long(matrix, "region", "topic", of))

    return model.memo(("topics_region", filters, of), make)


def topics_by_users(model: Model, filters: Filters) -> tuple[go.Figure, pd.DataFrame]:
    """The target users x topic chart of the mappings that pass the filters and its long
    form; kept per filter state."""

    def make() -> tuple[go.Figure, pd.DataFrame]:
        matrix = users_topic_matrix(model.filtered_mappings(filters), "id")
        figure = figures.annotated_heatmap(
            matrix,
            title="Mappings per target-user group and topic",
            x_title="topic",
            y_title="target users",
            x_labels=model.labels["topics"],
            y_labels=model.labels["users"],
        )
        return figure, matrix_long(matrix, "target users", "topic", "mappings")

    return model.memo(("topics_users", filters), make)


def topics_crosswalk(model: Model) -> pd.DataFrame:
    """The crosswalk of other frameworks' categories to the topics (by their labels), as
    shown; made once per model."""
    crosswalk, topic_labels = model.inventory.crosswalk, model.labels["topics"]
    return model.derived(
        "crosswalk_rows",
        lambda: crosswalk.assign(topic=crosswalk["topic"].map(lambda t: topic_labels.get(t, t)))[
            ["framework", "category", "topic", "relation", "note", "source"]
        ],
    )


# Projects --------------------------------------------------------------------------------


def projects_sentence(model: Model, filters: Filters) -> str:
    """How many of the projects that pass the filters several mappings list; kept per
    filter state."""
    return model.memo(
        ("projects_sentence", filters),
        lambda: takeaways.duplicates(model.filtered_projects(filters)),
    )


def projects_listed_by_several(model: Model, filters: Filters) -> pd.DataFrame:
    """The projects that pass the filters and two or more mappings list, most listed first,
    as readable rows (`projects.listed_by_several` from the precomputed listing counts);
    kept per filter state."""

    def make() -> pd.DataFrame:
        rows = model.project_rows.loc[model.filtered_projects(filters).index]
        several = rows[rows["mappings listing it"] >= 2].sort_values(
            ["mappings listing it", "title"], ascending=[False, True]
        )
        columns = [
            "title",
            "aliases",
            "listed in",
            "mappings listing it",
            "funders",
            "start",
            "end",
        ]
        return several[[*columns, "sources"]]

    return model.memo(("projects_several", filters), make)


class DuplicateCheck(NamedTuple):
    """The duplicate check's rows for the projects that pass the filters, its groups of
    more than one row (the columns shown, and all), and the closest calls kept apart
    (nearest first)."""

    checked: pd.DataFrame
    group_rows: pd.DataFrame
    groups: pd.DataFrame
    near: pd.DataFrame


def projects_duplicate_check(
    model: Model, filters: Filters, clusters: Callable[[], pd.DataFrame]
) -> DuplicateCheck:
    """The duplicate check read for the projects that pass the filters; `clusters()` gives
    the check on all projects (`projects.clusters`, cached by the app) and is called only
    when the result is not kept yet. Kept per filter state."""

    def make() -> DuplicateCheck:
        projects = model.filtered_projects(filters)
        checked = clusters().set_index("project_id").loc[projects["project_id"]]
        groups = checked[checked["cluster_size"] > 1].reset_index()
        near = (
            checked.assign(nearest=nearest_score(checked["evidence"]))
            .dropna(subset=["nearest"])
            .sort_values("nearest", ascending=False)
            .reset_index()
        )[["project_id", "nearest", "evidence", "overridden"]]
        group_rows = groups[["cluster_id", "project_id", "score", "evidence"]]
        return DuplicateCheck(checked, group_rows, groups, near)

    return model.memo(("projects_check", filters), make)


class ListCheck(NamedTuple):
    """An uploaded project list checked against the inventory: one row per listed project
    (projects.CHECK_COLUMNS), the reader's warnings, and how many rows are inventory
    projects and how many are listed twice."""

    rows: pd.DataFrame
    warnings: list[str]
    known: int
    repeated: int


def projects_check_list(model: Model, raw: bytes, name: str) -> ListCheck:
    """Check the bytes of an uploaded projects CSV (at least a `title` column) against the
    inventory; kept per file content. Raises dedupe.DedupeInputError (with messages naming
    the file, row and field) when the file cannot be used."""

    def make() -> ListCheck:
        new, warnings = dedupe.parse_projects(raw, name)
        inventory = model.derived("dedupe_inventory", lambda: flat(model.inventory.projects))
        rows = check_list(new, inventory)
        return ListCheck(
            rows,
            warnings,
            int((rows["inventory_project"] != "").sum()),
            int((rows["same_as_rows"] != "").sum()),
        )

    return model.memo(("projects_check_list", hashlib.sha1(raw).hexdigest(), name), make)


def projects_flows(
    model: Model, filters: Filters, by: str
) -> tuple[pd.DataFrame, go.Figure | None]:
    """Projects that pass the filters from their funders or implementers (`by`) to UN
    regions, and their Sankey chart (None when there is no flow); kept per filter state
    and `by`."""

    def make() -> tuple[pd.DataFrame, go.Figure | None]:
        flows = funding.flows(model.filtered_projects(filters), model.project_regions, by=by)
        if flows.empty:
            return flows, None
        return flows, figures.flow_sankey(flows, title=f"Projects from {by} to UN regions")

    return model.memo(("projects_flows", filters, by), make)


# Coverage map ----------------------------------------------------------------------------


class MapSummary(NamedTuple):
    """The coverage rows of the mappings that pass the filters, the country summary
    (`coverage.country_summary`) and the page's sentence."""

    coverage: pd.DataFrame
    summary: pd.DataFrame
    sentence: str


def map_summary(model: Model, filters: Filters) -> MapSummary:
    """Where the mappings and projects that pass the filters look; kept per filter state."""

    def make() -> MapSummary:
        mappings = model.filtered_mappings(filters)
        projects = model.filtered_projects(filters)
        cov = model.coverage[model.coverage["mapping_id"].isin(mappings["id"])]
        counts = model.project_counts(projects)
        summary = coverage.country_summary(cov, projects, model.countries, counts)
        return MapSummary(cov, summary, takeaways.where(summary, mappings, cov))

    return model.memo(("map", filters), make)


def _map_values(
    model: Model, filters: Filters, measure: str, chosen: Sequence[str]
) -> tuple[pd.Series, str]:
    """Countries' values for a colouring (`measure`: "mappings", "regional" or "projects";
    the footprint of `chosen` mappings if any), and what they count."""
    cov, summary, _ = map_summary(model, filters)
    if measure == "mappings" and chosen:
        return coverage.mapping_footprint(cov, list(chosen)), "selected mappings covering"
    if measure == "regional":
        mappings = model.filtered_mappings(filters)
        regional = mappings.loc[~coverage.is_global(mappings), "id"]
        values = coverage.coverage_counts(cov[cov["mapping_id"].isin(regional)], summary["iso3"])
        return values, "regional or national mappings covering"
    label = "mappings covering" if measure == "mappings" else "projects naming it"
    return summary.set_index("iso3")[measure], label


class MapView(NamedTuple):
    """The world map, its legend (HTML) and what the colours count."""

    deck: pdk.Deck
    legend: str
    label: str


def map_view(
    model: Model,
    filters: Filters,
    measure: str,
    chosen: Sequence[str],
    selected: str | None,
) -> MapView:
    """The map of the mappings or projects that pass the filters, coloured by `measure`
    (the footprint of the `chosen` mappings, if any, for "mappings"), with the `selected`
    country highlighted; kept per filter state, measure, mappings chosen and country."""
    chosen = tuple(chosen)

    def make() -> MapView:
        values, label = _map_values(model, filters, measure, chosen)
        vmax = int(values.max()) if len(values) else 0
        deck = figures.world_coverage_map(model.shapes, model.points, values, label, selected)
        return MapView(deck, figures.map_legend(vmax, label), label)

    return model.memo(("map_view", filters, measure, chosen, selected), make)


def map_country_names(model: Model) -> dict[str, str]:
    """Every country the app knows, iso3 -> name, in order of name; made once per model."""
    countries = model.countries
    return model.derived(
        "country_names", lambda: dict(zip(countries["iso3"], countries["name"], strict=True))
    )


class MapPanel(NamedTuple):
    """A country's panel: the mappings covering it (readable columns), the projects naming
    it as a beneficiary (every readable column, and those shown)."""

    mappings: pd.DataFrame
    projects: pd.DataFrame
    shown_projects: pd.DataFrame


def map_panel(model: Model, filters: Filters, iso3: str) -> MapPanel:
    """The mappings and projects that pass the filters and cover or name country `iso3`;
    kept per filter state and country."""

    def make() -> MapPanel:
        projects = model.filtered_projects(filters)
        cov = map_summary(model, filters).coverage
        here = coverage.country_mappings(cov, model.filtered_mappings(filters), iso3)
        # coverage.country_projects, keeping the rows' labels to pick their readable rows
        named = [iso3 in cs for cs in projects["beneficiary_countries"].to_numpy(dtype=object)]
        there = model.project_rows.loc[projects.index[named]].reset_index(drop=True)
        shown_here = mapping_table(here, model.labels)[["name", "kind", "scope", "topics"]]
        shown_there = there[["title", "topics", "funders", "start", "end", "listed in"]]
        return MapPanel(shown_here, there, shown_there)

    return model.memo(("map_panel", filters, iso3), make)


# Home ------------------------------------------------------------------------------------

HOME_COLUMNS = [
    "name",
    "owners",
    "kind",
    "scope",
    "countries covered (derived)",
    "topics",
    "confidence",
    "url",
]


class HomeHeadline(NamedTuple):
    """The opening sentence and the four numbers: mapping efforts, projects listed,
    countries covered and cooperation links."""

    sentence: str
    numbers: list[int]


def home_headline(model: Model, filters: Filters) -> HomeHeadline:
    """Who maps, and how much, among the mappings and projects that pass the filters; kept
    per filter state."""

    def make() -> HomeHeadline:
        mappings = model.filtered_mappings(filters)
        ids = mappings["id"]
        cooperation = model.inventory.cooperation
        links = cooperation["mapping_a"].isin(ids) & cooperation["mapping_b"].isin(ids)
        numbers = [
            len(mappings),
            len(model.filtered_projects(filters)),
            model.coverage.loc[model.coverage["mapping_id"].isin(ids), "iso3"].nunique(),
            int(links.sum()),
        ]
        return HomeHeadline(takeaways.who_maps(mappings, model.labels["kinds"]), numbers)

    return model.memo(("home", filters), make)


def home_kinds(model: Model, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The mappings that pass the filters per kind, most first: with readable labels
    (label, mappings: shown) and with kind ids (kind, mappings: the download); kept per
    filter state."""

    def make() -> tuple[pd.DataFrame, pd.DataFrame]:
        kind_labels = model.labels["kinds"]
        kinds = (
            model.filtered_mappings(filters)["kind"]
            .value_counts()
            .rename_axis("kind")
            .reset_index(name="mappings")
            .assign(label=lambda d: d["kind"].map(lambda k: kind_labels.get(k, k)))
        )
        return kinds[["label", "mappings"]], kinds[["kind", "mappings"]]

    return model.memo(("home_kinds", filters), make)


def home_table(model: Model, filters: Filters) -> pd.DataFrame:
    """The readable rows (HOME_COLUMNS) of the mappings that pass the filters; kept per
    filter state. A mapping's derived coverage does not depend on which others pass."""
    return model.memo(
        ("home_table", filters),
        lambda: model.mapping_rows.loc[model.filtered_mappings(filters).index, HOME_COLUMNS],
    )


# Explore ---------------------------------------------------------------------------------


def explore_rows(
    model: Model, filters: Filters, name: str, text: str, columns: Sequence[str]
) -> pd.DataFrame:
    """The readable rows of the mappings or projects (`name`) that pass the filters and
    match the search `text` (`tables.search`), with `columns`; kept per filter state,
    table, search and columns."""
    chosen = tuple(columns)

    def make() -> pd.DataFrame:
        if name == "mappings":
            rows = model.mapping_rows.loc[model.filtered_mappings(filters).index]
        else:
            rows = model.project_rows.loc[model.filtered_projects(filters).index]
        return search(rows, text)[list(chosen)]

    return model.memo(("explore", filters, name, text, chosen), make)


def explore_comparison(model: Model, ids: Sequence[str]) -> pd.DataFrame:
    """Mappings side by side: a column per mapping (by name), a row per field, as text."""
    side = model.mapping_rows[model.mapping_rows["id"].isin(ids)]
    return side.set_index("name").drop(columns=["id"]).T.astype(str)


# Method ----------------------------------------------------------------------------------


def method_cited_pages(model: Model) -> pd.DataFrame:
    """Every web page the inventory cites (`tables.cited_pages`); made once per model."""
    inv = model.inventory
    return model.derived(
        "cited_pages", lambda: cited_pages(inv.mappings, inv.projects, inv.cooperation)
    )


def method_terms(model: Model, vocabulary: str) -> pd.DataFrame:
    """A vocabulary's terms with their synonyms joined by "; "; made once per model."""
    return model.derived(
        f"terms_{vocabulary}",
        lambda: model.inventory.vocabulary(vocabulary).assign(
            synonyms=lambda d: d["synonyms"].map("; ".join)
        ),
    )


def method_report_rows(model: Model) -> pd.DataFrame:
    """The validation report's issues as rows; made once per model."""
    return model.derived("report_rows", model.inventory.report.to_frame)


def method_full_inventory(model: Model) -> dict[str, pd.DataFrame]:
    """The whole inventory to download, name -> frame, without the rows' source line
    numbers (made on each call, not kept)."""
    inv = model.inventory
    return {
        name: frame.drop(columns=["source_row"])
        for name, frame in {
            "mappings": inv.mappings,
            "projects": inv.projects,
            "cooperation links": inv.cooperation,
        }.items()
    }
