"""The Cooperation page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from cbdash.analysis import network
from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.present import network_chart, takeaways
from cbdash.present.tables import (
    mapping_rows,
)
from cbdash.present.views import mapping_ids
from cbdash.text import escape_markdown


def cooperation_links(model: Model, filters: Filters, kinds: Sequence[str] = ()) -> pd.DataFrame:
    """The cooperation links among the mappings that pass the filters, of the given kinds
    (every kind when none is given); kept per set of mappings and kinds."""
    ids = mapping_ids(model, filters)
    return model.memo(
        ("coop_links", ids, tuple(kinds)),
        lambda: network.links_among(model.inventory.cooperation, ids, list(kinds) or None),
    )


def cooperation_takeaway(model: Model, filters: Filters) -> str:
    """The page's sentence: how many links, and the most linked mapping (escaped Markdown)."""
    ids = mapping_ids(model, filters)

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


MAX_ARC_ROWS = 40  # mappings drawn at most (the most linked); the case studies list all


class CooperationChart(NamedTuple):
    """The arc diagram, its legend as HTML, and how many of the linked mappings it draws."""

    figure: go.Figure | None
    legend: str
    drawn: int
    linked: int


def cooperation_network(
    model: Model, filters: Filters, kinds: Sequence[str], size_by: str
) -> CooperationChart:
    """The links of `kinds` among the mappings that pass the filters as an arc diagram
    (marker size by `size_by`) and its legend as HTML; at most MAX_ARC_ROWS mappings, the
    most linked. Kept per filter state, kinds and size."""
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

    def make() -> CooperationChart:
        table = model.memo(("coop_nodes", filters), nodes)
        links = cooperation_links(model, filters, kinds)
        kind_order = list(inv.vocabulary("mapping_kinds")["id"])
        linked = len(network.arc_order(table, links))
        order = network.arc_order(table, links, max_nodes=MAX_ARC_ROWS)
        if order.empty:
            return CooperationChart(None, "", 0, 0)
        drawn = set(order["id"])
        shown = links[links["mapping_a"].isin(drawn) & links["mapping_b"].isin(drawn)]
        style = dict(
            kind_labels=model.labels["kinds"],
            link_labels=model.labels["link_kinds"],
            kind_order=kind_order,
        )
        figure = network_chart.arc_diagram(
            table, order, shown, labels=model.mapping_short_names, size_by=size_by, **style
        )
        legend = network_chart.legend_html(table[table["id"].isin(drawn)], shown, **style)
        return CooperationChart(figure, legend, len(order), linked)

    return model.memo(("coop_figure", filters, tuple(kinds), size_by), make)


class CaseStudy(NamedTuple):
    """One link told as a case: what moved, when ('year unknown' when no source says), the
    story in our words, and the pages it rests on."""

    moved: str
    when: str
    summary: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CaseStudies:
    """The links as case studies: a label per link id, its CaseStudy, and the readable
    table of every link."""

    labels: dict[str, str]
    cases: dict[str, CaseStudy]
    table: pd.DataFrame


def case_studies(model: Model, filters: Filters, kinds: Sequence[str]) -> CaseStudies:
    """The links of `kinds` among the mappings that pass the filters, as case studies;
    kept per set of mappings and kinds."""
    ids = mapping_ids(model, filters)

    def make() -> CaseStudies:
        links = cooperation_links(model, filters, kinds)
        names, link_labels = model.mapping_names, model.labels["link_kinds"]
        labels = network_chart.case_labels(links, names, link_labels)
        moved = links["moved"] if "moved" in links else pd.Series("", index=links.index)
        cases = {
            link: CaseStudy(
                "" if pd.isna(what) else str(what),
                network_chart.when(year),
                summary,
                tuple(sources or ()),
            )
            for link, what, year, summary, sources in zip(
                links["link_id"],
                moved,
                links["year"],
                links["summary"],
                links["sources"],
                strict=True,
            )
        }
        return CaseStudies(
            dict(zip(links["link_id"], labels, strict=True)),
            cases,
            network_chart.link_table(links, names, link_labels),
        )

    return model.memo(("coop_link_tables", ids, tuple(kinds)), make)


def case_markdown(case: CaseStudy) -> str:
    """A case study as Markdown: what moved, when, the story and its sources (the data's
    text escaped, so it cannot become a link or HTML)."""
    lines = []
    if case.moved:
        lines.append(f"- **What moved:** {escape_markdown(case.moved)}")
    lines.append(f"- **When:** {escape_markdown(case.when)}")
    lines.append(f"- **Sources:** {sources_markdown(case.sources, label=False)}")
    return "\n".join(lines) + "\n\n" + escape_markdown(case.summary)


def sources_markdown(urls: Sequence[str], label: bool = True) -> str:
    """A case study's sources as one Markdown line of links (autolinks, so a URL is shown
    as it is; spaces and angle brackets, which would end an autolink, are percent-encoded),
    after 'Source(s): ' unless `label` is False."""
    if not urls:
        return "Sources: none recorded." if label else "none recorded"
    safe = ":/?#[]@!$&'()*+,;=%~-._"
    links = ", ".join(f"<{urllib.parse.quote(url.strip(), safe=safe)}>" for url in urls)
    return f"Source{'s' if len(urls) > 1 else ''}: {links}" if label else links


def standing_alone(model: Model, filters: Filters) -> pd.DataFrame:
    """The mappings that pass the filters and have no link of any kind with another of
    them, as readable rows (name, owners, kind, scope, url, mapping id); kept per set of
    mappings."""
    ids = mapping_ids(model, filters)

    def make() -> pd.DataFrame:
        alone = network.standalone(
            model.filtered_mappings(filters), cooperation_links(model, filters)
        )
        # `mapping_rows(model)` is row-aligned with the inventory's mappings (unique ids).
        every_id = pd.Index(model.inventory.mappings["id"].to_numpy(dtype=object))
        rows = mapping_rows(model).iloc[every_id.get_indexer(alone["id"].to_numpy(dtype=object))]
        columns = ["name", "owners", "kind", "scope", "url", "mapping id"]
        return rows[columns].reset_index(drop=True)

    return model.memo(("coop_alone", ids), make)
