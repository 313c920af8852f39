"""The Coverage map page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd
import pydeck as pdk

from cbdash.analysis import coverage
from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.present import takeaways
from cbdash.present.tables import (
    mapping_table,
    project_rows,
)
from cbdash.present.world_map import map_geometry, map_legend, world_coverage_map


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
        geometry = model.derived("map_geometry", lambda: map_geometry(model.shapes, model.points))
        deck = world_coverage_map(geometry, values, label, selected)
        return MapView(deck, map_legend(vmax, label), label)

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
        there = project_rows(model).loc[projects.index[named]].reset_index(drop=True)
        shown_here = mapping_table(here, model.labels)[["name", "kind", "scope", "topics"]]
        shown_there = there[["title", "topics", "funders", "start", "end", "listed in"]]
        return MapPanel(shown_here, there, shown_there)

    return model.memo(("map_panel", filters, iso3), make)
