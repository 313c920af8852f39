"""The Cooperation page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

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
        figure = network_chart.network_figure(
            table,
            network.network_layout(table, links, aspect=1.8),
            links,
            size_by=size_by,
            label_min_links=2,
            max_labels=8,
            legend=False,
            **style,
        )
        return figure, network_chart.legend_html(table, links, **style)

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
    ids = mapping_ids(model, filters)

    def make() -> CaseStudies:
        links = cooperation_links(model, filters, kinds)
        names, link_labels = model.mapping_names, model.labels["link_kinds"]
        labels = network_chart.case_labels(links, names, link_labels)
        return CaseStudies(
            dict(zip(links["link_id"], labels, strict=True)),
            {
                link: (summary, tuple(sources))
                for link, summary, sources in zip(
                    links["link_id"], links["summary"], links["sources"], strict=True
                )
            },
            network_chart.link_table(links, names, link_labels),
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
    ids = mapping_ids(model, filters)

    def make() -> pd.DataFrame:
        alone = network.standalone(
            model.filtered_mappings(filters), cooperation_links(model, filters)
        )
        # `mapping_rows(model)` is row-aligned with the inventory's mappings (unique ids).
        every_id = pd.Index(model.inventory.mappings["id"].to_numpy(dtype=object))
        rows = mapping_rows(model).iloc[every_id.get_indexer(alone["id"].to_numpy(dtype=object))]
        return rows[["name", "owners", "kind", "scope", "url"]].reset_index(drop=True)

    return model.memo(("coop_alone", ids), make)
