"""The Overlap page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from cbdash.analysis import coverage, overlap
from cbdash.analysis.filters import Filters
from cbdash.analysis.membership import explode, membership_matrix
from cbdash.analysis.model import Model
from cbdash.present import takeaways
from cbdash.present.charts import annotated_heatmap
from cbdash.present.tables import (
    matrix_long,
)
from cbdash.present.views import mapping_ids

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
        ("overlap_takeaway", mapping_ids(model, filters)),
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
        figure = annotated_heatmap(
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
