"""The Overlap page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cbdash.analysis import coverage, overlap
from cbdash.analysis.filters import Filters
from cbdash.analysis.membership import explode, membership_matrix
from cbdash.analysis.model import Model
from cbdash.present.charts import annotated_heatmap
from cbdash.present.tables import (
    named_long,
)
from cbdash.text import escape_markdown

OVERLAP_DIMENSIONS = {
    "countries": "Countries",
    "topics": "Topics",
    "users": "Target users",
    "projects": "Shared projects",
}
DIMENSION_ITEMS = {  # what is counted, in words
    "countries": "countries",
    "topics": "topics",
    "users": "target-user groups",
    "projects": "projects",
}
OVERLAP_MAX_MATRIX = 60  # a larger matrix is unreadable; the largest mappings are shown
OVERLAP_METRIC_NAMES = {
    "count": "Items in common",
    "jaccard": "Jaccard (shared / either)",
    "overlap": "Overlap coefficient (shared / smaller)",
}

# Multi-part results kept by `Model.memo` are NamedTuples, not dataclasses: `approx_bytes`
# counts a tuple by its parts (a dataclass as 1 KB), so the memo's byte budget sees them as
# it saw the plain tuples the pages kept before.


def _long(model: Model, mappings: pd.DataFrame, dim: str) -> pd.DataFrame:
    """(id, value) pairs of dimension `dim` for `mappings`: covered countries, topics,
    target users or listed projects."""
    if dim == "countries":
        long = model.coverage.rename(columns={"mapping_id": "id", "iso3": "value"})
    elif dim == "projects":
        long = model.derived(
            "project_listings",
            lambda: model.inventory.listings.rename(
                columns={"mapping_id": "id", "project_id": "value"}
            )[["id", "value"]],
        )
    else:
        column = "target_users" if dim == "users" else dim
        long = explode(mappings, "id", column, "value")
    return long[long["id"].isin(set(mappings["id"]))]


def compared_ids(model: Model, filters: Filters, dim: str, with_global: bool) -> list[str]:
    """The mappings compared: those that pass the filters; by countries, without the
    global ones unless `with_global` (they cover every country alike)."""
    mappings = model.filtered_mappings(filters)
    if dim == "countries" and not with_global:
        mappings = mappings[~coverage.is_global(mappings)]
    return list(mappings["id"])


class OverlapShown(NamedTuple):
    """The overlap matrix as shown: its chart, its long form (the download), the pairs
    that share something (readable names and words in the headers) and the first pair."""

    figure: go.Figure
    long_form: pd.DataFrame
    pairs: pd.DataFrame
    first: tuple[str, str] | None


class OverlapComparison(NamedTuple):
    """The membership of the compared mappings (at most OVERLAP_MAX_MATRIX, the largest),
    how many were compared and how many have values, what is shown (None when fewer than
    two have values) and the sentence, computed from the same matrix."""

    membership: pd.DataFrame
    compared: int
    with_values: int
    shown: OverlapShown | None
    sentence: str


def overlap_comparison(
    model: Model, filters: Filters, dim: str, metric: str, with_global: bool
) -> OverlapComparison:
    """The mappings that pass the filters compared by `dim` with `metric`; kept per filter
    state and choice. The matrix's colour scale leaves out the diagonal (a mapping against
    itself), which would otherwise make every real overlap look pale."""

    def make() -> OverlapComparison:
        ids = compared_ids(model, filters, dim, with_global)
        mappings = model.inventory.mappings
        long = _long(model, mappings[mappings["id"].isin(ids)], dim)
        membership = membership_matrix(long, "id", "value", rows=ids)
        membership = membership[membership.any(axis=1)]
        with_values = len(membership)
        if with_values < 2:
            return OverlapComparison(membership, len(ids), with_values, None, _none(dim, ids))
        if with_values > OVERLAP_MAX_MATRIX:
            largest = membership.sum(axis=1).sort_values(ascending=False, kind="stable").index
            membership = membership.loc[largest[:OVERLAP_MAX_MATRIX]]
        matrix = overlap.ordered(overlap.overlap_matrix(membership, metric))
        values = matrix.to_numpy(dtype=float, copy=True)
        np.fill_diagonal(values, np.nan)
        shown_matrix = pd.DataFrame(values, index=matrix.index, columns=matrix.columns)
        names = model.mapping_names
        number_format = "{:.0f}" if metric == "count" else "{:.2f}"
        figure = annotated_heatmap(
            shown_matrix,
            title=f"{OVERLAP_METRIC_NAMES[metric]} by {OVERLAP_DIMENSIONS[dim].lower()}",
            number_format=number_format,
            x_labels=names,
            y_labels=names,
        )
        top = overlap.top_pairs(matrix, 10)
        top = top[top["value"] > 0]
        first = (top["mapping_a"].iloc[0], top["mapping_b"].iloc[0]) if len(top) else None
        pairs = pd.DataFrame(
            {
                "Mapping A": top["mapping_a"].map(names),
                "Mapping B": top["mapping_b"].map(names),
                OVERLAP_METRIC_NAMES[metric]: top["value"].map(number_format.format),
            }
        ).reset_index(drop=True)
        long_form = named_long(
            matrix, "mapping A", "mapping B", OVERLAP_METRIC_NAMES[metric].lower(), names, names
        )
        shown = OverlapShown(figure, long_form, pairs, first)
        sentence = _sentence(dim, metric, top, names, with_values)
        return OverlapComparison(membership, len(ids), with_values, shown, sentence)

    return model.memo(("overlap", filters, dim, metric, with_global), make)


def _none(dim: str, ids: list[str]) -> str:
    return (
        f"Fewer than two of these {len(ids)} mappings have known "
        f"{DIMENSION_ITEMS[dim]}, so there is nothing to compare."
    )


def _sentence(
    dim: str, metric: str, top: pd.DataFrame, names: dict[str, str], compared: int
) -> str:
    items = DIMENSION_ITEMS[dim]
    if top.empty:
        return f"No two of the {compared} mappings with known {items} share any."
    best = top.iloc[0]
    a, b = escape_markdown(names[best.mapping_a]), escape_markdown(names[best.mapping_b])
    value = f"{best.value:.0f} {items}" if metric == "count" else f"{best.value:.2f}"
    return (
        f"By {items}, **{a}** and **{b}** overlap most ({OVERLAP_METRIC_NAMES[metric].lower()}: "
        f"{value}), among {compared} mappings with known {items}."
    )


class PairCard(NamedTuple):
    """Two mappings compared on every dimension at once: per dimension the counts in both
    and in one only (words in the headers), the items as Markdown, and every item with its
    dimension and status for the download."""

    table: pd.DataFrame
    lists: dict[str, str]
    detail: pd.DataFrame


def pair_card(model: Model, filters: Filters, a: str, b: str) -> PairCard:
    """What mappings `a` and `b` share and what only one has, by countries, topics, target
    users and listed projects; kept per pair (the filters do not change a pair's items)."""

    def make() -> PairCard:
        names = model.mapping_names
        name_a, name_b = names[a], names[b]
        rows, lists, details = [], {}, []
        for dim, label in OVERLAP_DIMENSIONS.items():
            mappings = model.inventory.mappings
            long = _long(model, mappings[mappings["id"].isin([a, b])], dim)
            membership = membership_matrix(long, "id", "value", rows=[a, b]).astype(bool)
            detail = overlap.pair_detail(membership, a, b)
            detail["name"] = [_value_name(model, v) for v in detail["value"]]
            s = overlap.pair_summary(membership, a, b)
            rows.append(
                {
                    "Compared by": label,
                    "In both": s["both"],
                    f"Only in {name_a}": s["only_a"],
                    f"Only in {name_b}": s["only_b"],
                }
            )
            lists[dim] = overlap.pair_lists(detail, name_a, name_b)
            status = np.where(
                detail["in_a"] & detail["in_b"],
                "in both",
                np.where(detail["in_a"], f"only in {name_a}", f"only in {name_b}"),
            )
            details.append(
                pd.DataFrame({"compared by": label, "item": detail["name"], "status": status})
            )
        detail = pd.concat(details, ignore_index=True)
        return PairCard(pd.DataFrame(rows), lists, detail)

    return model.memo(("pair_card", a, b), make)


def _value_name(model: Model, value: str) -> str:
    """A topic's, user group's or country's name, or a project's title."""
    names = model.derived(
        "overlap_value_names",
        lambda: {
            **model.labels["topics"],
            **model.labels["users"],
            **dict(zip(model.countries["iso3"], model.countries["name"], strict=True)),
            **dict(
                zip(
                    model.inventory.projects["project_id"],
                    model.inventory.projects["title"],
                    strict=True,
                )
            ),
        },
    )
    return names.get(value, value)
