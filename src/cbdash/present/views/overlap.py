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
from cbdash.data.rules import PLACING_BASES
from cbdash.present import takeaways
from cbdash.present.charts import annotated_heatmap
from cbdash.present.tables import (
    named_long,
)
from cbdash.text import escape_markdown, plural

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
DIMENSION_ITEM = {  # one of them
    "countries": "country",
    "topics": "topic",
    "users": "target-user group",
    "projects": "project",
}
LEFT_OUT_WHY = {  # why a mapping has no row in the matrix
    "countries": "with no known country list",
    "topics": "with no known topic",
    "users": "with no known target users",
    "projects": "as they list no project",
}
GLOBAL_TOGGLE = "“Include global mappings”"
OVERLAP_MAX_MATRIX = 60  # a larger matrix is unreadable; the largest mappings are shown
OVERLAP_METRIC_NAMES = {
    "count": "Items in common",
    "jaccard": "Jaccard (shared / either)",
    "overlap": "Overlap coefficient (shared / smaller)",
}
OVERLAP_METRIC_WORDS = {  # inside a sentence or a download's header
    "count": "items in common",
    "jaccard": "Jaccard (shared / either)",
    "overlap": "overlap coefficient (shared / smaller)",
}
PAIRS_NAMED = 3  # tied pairs named in the sentence; the rest are counted

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


def left_out_said(mappings: pd.DataFrame, dim: str, with_values: set[str], hidden: set[str]) -> str:
    """Every one of `mappings` (those that pass the filters) accounted for: how many are
    compared (in `with_values`, not `hidden`), how many are left out for want of values
    (by countries: a stated count without the list, or unknown coverage) and how many
    global mappings the toggle hides, e.g. "6 of the 23 mappings are compared; 13 are left
    out with no known country list (4 state only how many countries they cover, 9 have
    unknown coverage); 4 global mappings are hidden (switch on … to include them)."."""
    ids = mappings["id"]
    compared = int((ids.isin(with_values) & ~ids.isin(hidden)).sum())
    without = mappings[~ids.isin(with_values)]
    text = (
        f"All {plural(compared, 'mapping')} {_are(compared)} compared"
        if compared == len(mappings)
        else f"{compared} of the {plural(len(mappings), 'mapping')} {_are(compared)} compared"
    )
    if len(without):
        text += f"; {len(without)} {_are(len(without))} left out {LEFT_OUT_WHY[dim]}"
        if dim == "countries":
            count_only = int((without["coverage_basis"] == "stated_count").sum())
            rest = len(without) - count_only
            parts = [f"{count_only} {takeaways.count_only_said(count_only)}"] * bool(count_only)
            parts += [f"{rest} {'has' if rest == 1 else 'have'} unknown coverage"] * bool(rest)
            text += f" ({', '.join(parts)})"
    if hidden:
        it = "it" if len(hidden) == 1 else "them"
        text += (
            f"; {plural(len(hidden), 'global mapping')} {_are(len(hidden))} hidden (switch on "
            f"{GLOBAL_TOGGLE} to include {it})"
        )
    return text + "."


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


class OverlapShown(NamedTuple):
    """The overlap matrix as shown: its chart, its long form (the download), the pairs
    that share something (readable names and words in the headers) and the first pair."""

    figure: go.Figure
    long_form: pd.DataFrame
    pairs: pd.DataFrame
    first: tuple[str, str] | None


class OverlapComparison(NamedTuple):
    """The membership of the compared mappings (at most OVERLAP_MAX_MATRIX, the largest),
    how many were compared (after the global toggle) and how many have values, what is
    shown (None when fewer than two have values), the sentence, computed from the same
    matrix, and what it leaves out (`left_out_said`, also in the sentence)."""

    membership: pd.DataFrame
    compared: int
    with_values: int
    shown: OverlapShown | None
    sentence: str
    left_out: str


def overlap_comparison(
    model: Model, filters: Filters, dim: str, metric: str, with_global: bool
) -> OverlapComparison:
    """The mappings that pass the filters compared by `dim` with `metric`; kept per filter
    state and choice. The matrix's colour scale leaves out the diagonal (a mapping against
    itself), which would otherwise make every real overlap look pale."""

    def make() -> OverlapComparison:
        passing = model.filtered_mappings(filters)
        ids = compared_ids(model, filters, dim, with_global)
        long = _long(model, passing, dim)
        has_values = set(long["id"])
        hidden = {m for m in passing["id"] if m in has_values and m not in ids}
        left_out = left_out_said(passing, dim, has_values, hidden)
        membership = membership_matrix(long, "id", "value", rows=ids)
        membership = membership[membership.any(axis=1)]
        with_values = len(membership)
        if with_values < 2:
            sentence = f"{_none(dim)} {left_out}"
            return OverlapComparison(membership, len(ids), with_values, None, sentence, left_out)
        if with_values > OVERLAP_MAX_MATRIX:
            largest = membership.sum(axis=1).sort_values(ascending=False, kind="stable").index
            membership = membership.loc[largest[:OVERLAP_MAX_MATRIX]]
        matrix = overlap.ordered(overlap.overlap_matrix(membership, metric))
        shown, top = _shown(model, matrix, dim, metric)
        sentence = f"{_sentence(dim, metric, top, model.mapping_names)} {left_out}"
        return OverlapComparison(membership, len(ids), with_values, shown, sentence, left_out)

    return model.memo(("overlap", filters, dim, metric, with_global), make)


def _number_format(metric: str) -> str:
    return "{:.0f}" if metric == "count" else "{:.2f}"


def _shown(
    model: Model, matrix: pd.DataFrame, dim: str, metric: str
) -> tuple[OverlapShown, pd.DataFrame]:
    """What the matrix shows, and its pairs that share something, best first: at least the
    ten of the table and every pair tied with the first as shown (same printed value)."""
    values = matrix.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(values, np.nan)
    shown_matrix = pd.DataFrame(values, index=matrix.index, columns=matrix.columns)
    names = model.mapping_names
    number_format = _number_format(metric)
    figure = annotated_heatmap(
        shown_matrix,
        title=f"{OVERLAP_METRIC_NAMES[metric]} by {OVERLAP_DIMENSIONS[dim].lower()}",
        number_format=number_format,
        x_labels=names,
        y_labels=names,
    )
    top = overlap.top_pairs(matrix, max(10, _tied_with_best(values, number_format)))
    top = top[top["value"] > 0]
    first = (top["mapping_a"].iloc[0], top["mapping_b"].iloc[0]) if len(top) else None
    listed = top.head(10)
    pairs = pd.DataFrame(
        {
            "Mapping A": listed["mapping_a"].map(names),
            "Mapping B": listed["mapping_b"].map(names),
            OVERLAP_METRIC_NAMES[metric]: listed["value"].map(number_format.format),
        }
    ).reset_index(drop=True)
    long_form = named_long(
        matrix, "mapping A", "mapping B", OVERLAP_METRIC_WORDS[metric], names, names
    )
    return OverlapShown(figure, long_form, pairs, first), top


def _tied_with_best(values: np.ndarray, number_format: str) -> int:
    """How many pairs (above the diagonal) print the same value as the highest."""
    upper = values[np.triu_indices(len(values), k=1)]
    upper = upper[~np.isnan(upper)]
    if upper.size == 0:
        return 0
    best = upper.max()
    near = upper[upper >= best - 0.5]  # printed values differ by at least 0.005 or 1
    return sum(number_format.format(v) == number_format.format(best) for v in near)


def _none(dim: str) -> str:
    return f"Fewer than two mappings have known {DIMENSION_ITEMS[dim]}: nothing to compare."


def _sentence(dim: str, metric: str, top: pd.DataFrame, names: dict[str, str]) -> str:
    """The pairs that overlap most, as the matrix prints them: every pair tied with the
    first is counted, the first few named."""
    items = DIMENSION_ITEMS[dim]
    if top.empty:
        return f"By {items}, no two of the compared mappings share any."
    number_format = _number_format(metric)
    table = pd.DataFrame(
        {
            "mapping A": [f"**{escape_markdown(names[m])}**" for m in top["mapping_a"]],
            "mapping B": [f"**{escape_markdown(names[m])}**" for m in top["mapping_b"]],
            "shown": top["value"].map(number_format.format).to_numpy(),
        }
    )
    best = top["value"].iloc[0]
    if metric == "count":
        value = f"sharing {plural(int(best), DIMENSION_ITEM[dim], items)}"
        at = f" {value}"
    else:
        value = f"{OVERLAP_METRIC_WORDS[metric]}: {number_format.format(best)}"
        at = f" at {number_format.format(best)}"
    tied, named = takeaways.leading_pairs(table, ["shown"], limit=PAIRS_NAMED, at=at)
    if tied == 1:
        return f"By {items}, {named} overlap most ({value})."
    return f"By {items}, {tied} pairs overlap most ({value} each): {named}."


class PairCard(NamedTuple):
    """Two mappings compared on every dimension at once: per dimension the counts in both
    and in one only (words in the headers), the items as Markdown, and every item with its
    dimension and status for the download."""

    table: pd.DataFrame
    lists: dict[str, str]
    detail: pd.DataFrame


def pair_card(model: Model, filters: Filters, a: str, b: str) -> PairCard:
    """What mappings `a` and `b` share and what only one has, by countries, topics, target
    users and listed projects; kept per pair (the filters do not change a pair's items).
    By countries, a mapping without a known country list (a stated count, or unknown
    coverage) makes what the two share unknown: the row says "unknown", never 0, and
    the count columns are text."""

    def make() -> PairCard:
        names = model.mapping_names
        name_a, name_b = names[a], names[b]
        columns = ["Compared by", "In both", f"Only in {name_a}", f"Only in {name_b}"]
        unknown = _unknown_countries(model, [a, b])
        rows, lists, details = [], {}, []
        for dim, label in OVERLAP_DIMENSIONS.items():
            mappings = model.inventory.mappings
            long = _long(model, mappings[mappings["id"].isin([a, b])], dim)
            membership = membership_matrix(long, "id", "value", rows=[a, b]).astype(bool)
            detail = overlap.pair_detail(membership, a, b)
            detail["name"] = [_value_name(model, v) for v in detail["value"]]
            if unknown and dim == "countries":
                row, lists[dim], status = _unknown_pair(model, detail, a, b, unknown)
            else:
                s = overlap.pair_summary(membership, a, b)
                row = [s["both"], s["only_a"], s["only_b"]]
                lists[dim] = overlap.pair_lists(detail, name_a, name_b)
                status = np.where(
                    detail["in_a"] & detail["in_b"],
                    "in both",
                    np.where(detail["in_a"], f"only in {name_a}", f"only in {name_b}"),
                )
            rows.append(dict(zip(columns, [label, *row], strict=True)))
            details.append(
                pd.DataFrame({"compared by": label, "item": detail["name"], "status": status})
            )
        table = pd.DataFrame(rows)
        if unknown:
            table = table.astype(str)  # "unknown" beside numbers: one type per column
        detail = pd.concat(details, ignore_index=True)
        return PairCard(table, lists, detail)

    return model.memo(("pair_card", a, b), make)


def _unknown_countries(model: Model, ids: list[str]) -> dict[str, str]:
    """Of `ids`, the mappings without a known country list, each with its countries in
    words: "90 stated, no list" (a stated count) or "unknown"."""
    mappings = model.inventory.mappings.set_index("id").loc[ids]
    out = {}
    for m, basis, stated in zip(
        mappings.index, mappings["coverage_basis"], mappings["countries_stated"], strict=True
    ):
        if basis in PLACING_BASES:
            continue
        has_count = basis == "stated_count" and not pd.isna(stated)
        out[m] = f"{int(stated)} stated, no list" if has_count else "unknown"
    return out


def _unknown_pair(
    model: Model, detail: pd.DataFrame, a: str, b: str, unknown: dict[str, str]
) -> tuple[list[str], str, np.ndarray]:
    """The countries row, lists and statuses of a pair of which one mapping or both have
    no known country list: what they share is unknown; a known list is given in full."""
    names = model.mapping_names
    counts = {a: int(detail["in_a"].sum()), b: int(detail["in_b"].sum())}
    cells = [
        f"unknown (covers {counts[m]})"
        if m not in unknown
        else unknown[m]
        if unknown[m] == "unknown"
        else f"unknown ({unknown[m]})"
        for m in (a, b)
    ]
    lines = [
        f"- **{escape_markdown(names[m])}**: countries: {unknown[m]}"
        + (" (the source says how many, not which)" if unknown[m] != "unknown" else "")
        for m in (a, b)
        if m in unknown
    ]
    lines.append("- **In both**: unknown, for want of a country list")
    for m, column in ((a, "in_a"), (b, "in_b")):
        if m not in unknown:
            chosen = sorted(detail.loc[detail[column], "name"].astype(str))
            shown = ", ".join(escape_markdown(n) for n in chosen[:60])
            more = f" and {len(chosen) - 60} more (see the CSV)" if len(chosen) > 60 else ""
            lines.append(f"- **{escape_markdown(names[m])}** ({len(chosen)}): {shown}{more}")
    other = {a: names[b], b: names[a]}
    status = np.where(
        detail["in_a"],
        f"in {names[a]}; {other[a]} unknown",
        f"in {names[b]}; {other[b]} unknown",
    )
    return ["unknown", *cells], "\n".join(lines), status


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
