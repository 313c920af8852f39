"""Overlap between mapping efforts: shared countries, topics, target users or projects.

Metrics, for the sets A and B of two mappings:
- count: |A ∩ B|;
- jaccard: |A ∩ B| / |A ∪ B| (1 = identical sets);
- overlap: |A ∩ B| / min(|A|, |B|) (1 = the smaller set lies inside the larger).
Undefined ratios (jaccard of two empty sets, overlap with an empty set) are NaN,
shown as blank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbdash.analysis.membership import seriate
from cbdash.text import escape_markdown

METRICS = ("count", "jaccard", "overlap")


def overlap_matrix(membership: pd.DataFrame, metric: str = "count") -> pd.DataFrame:
    """Mapping x mapping matrix from a boolean membership matrix (mappings x values)."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, not '{metric}'")
    m = membership.to_numpy(dtype=float)
    shared = m @ m.T
    sizes = np.diag(shared)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "count":
            values = shared
        elif metric == "jaccard":
            union = sizes[:, None] + sizes[None, :] - shared
            values = np.where(union > 0, shared / union, np.nan)
        else:
            smaller = np.minimum(sizes[:, None], sizes[None, :])
            values = np.where(smaller > 0, shared / smaller, np.nan)
    return pd.DataFrame(values, index=membership.index, columns=membership.index)


def ordered(matrix: pd.DataFrame) -> pd.DataFrame:
    """The matrix with rows and columns in a similarity order (similar mappings adjacent)."""
    order = seriate(matrix.fillna(0))
    return matrix.loc[order, order]


def pair_detail(membership: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Values covered by mapping a and/or b: columns value, in_a, in_b, status."""
    in_a = membership.loc[a].astype(bool)
    in_b = membership.loc[b].astype(bool)
    keep = in_a | in_b
    status = np.where(in_a & in_b, "both", np.where(in_a, f"only {a}", f"only {b}"))
    table = pd.DataFrame(
        {"value": membership.columns, "in_a": in_a.values, "in_b": in_b.values, "status": status}
    )[keep.values]
    order = {"both": 0, f"only {a}": 1, f"only {b}": 2}
    return table.sort_values(
        ["status", "value"], key=lambda s: s.map(order) if s.name == "status" else s
    ).reset_index(drop=True)


def pair_summary(membership: pd.DataFrame, a: str, b: str) -> dict[str, int]:
    """Counts for a pair: both, only_a, only_b."""
    in_a = membership.loc[a].to_numpy(dtype=bool)
    in_b = membership.loc[b].to_numpy(dtype=bool)
    return {
        "both": int((in_a & in_b).sum()),
        "only_a": int((in_a & ~in_b).sum()),
        "only_b": int((~in_a & in_b).sum()),
    }


def top_pairs(matrix: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The n pairs (a < b) with the highest values, for a table beside the matrix.

    Ties go to the alphabetically first mapping_a, then mapping_b. Vectorised: the pairs are
    ranked with numpy (a partial sort when n is small), so a 1,000-mapping matrix with half
    a million pairs costs milliseconds, not a pandas sort of half a million rows.
    """
    values = matrix.to_numpy()
    rows, cols = np.triu_indices(len(matrix), k=1)
    flat = values[rows, cols]
    known = ~pd.isna(flat)
    rows, cols, flat = rows[known], cols[known], flat[known]
    if n < len(flat):  # only pairs at least as high as the n-th highest can make the cut
        threshold = np.partition(flat, len(flat) - n)[len(flat) - n]
        close = flat >= threshold
        rows, cols, flat = rows[close], cols[close], flat[close]
    order = _rank_order(flat, _ranks(matrix.index)[rows], _ranks(matrix.columns)[cols])[:n]
    return pd.DataFrame(
        {
            "mapping_a": matrix.index[rows[order]],
            "mapping_b": matrix.columns[cols[order]],
            "value": flat[order],
        }
    )


def _ranks(labels: pd.Index) -> np.ndarray:
    """Position of each label in sorted order (for tie-breaking by label)."""
    ranks = np.empty(len(labels), dtype=np.int64)
    ranks[np.argsort(labels.to_numpy(dtype=object), kind="stable")] = np.arange(len(labels))
    return ranks


def _rank_order(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Positions ordered by value (highest first), then a, then b (ranks, ascending).

    One integer sort on a combined key when it fits in 63 bits (three times faster than
    numpy's lexsort on half a million pairs), else lexsort."""
    if len(values) == 0:
        return np.arange(0)
    uniques, inverse = np.unique(values, return_inverse=True)
    n_a, n_b = int(a.max()) + 1, int(b.max()) + 1
    if len(uniques) * n_a * n_b < 2**62:
        descending = (len(uniques) - 1 - inverse).astype(np.int64)
        return np.argsort((descending * n_a + a) * n_b + b)  # keys are unique
    return np.lexsort((b, a, -values))


def pair_lists(detail: pd.DataFrame, label_a: str, label_b: str, limit: int = 60) -> str:
    """`pair_detail` rows (with a readable `name` column) as three Markdown lines: what both
    mappings have, what only A has, what only B has; at most `limit` names each, sorted, the
    rest counted ("and 12 more"). Names and labels are escaped (they come from the data)."""
    groups = {
        "In both": detail["in_a"] & detail["in_b"],
        f"Only in {label_a}": detail["in_a"] & ~detail["in_b"],
        f"Only in {label_b}": ~detail["in_a"] & detail["in_b"],
    }
    lines = []
    for title, chosen in groups.items():
        names = sorted(detail.loc[chosen, "name"].astype(str))
        shown = ", ".join(escape_markdown(n) for n in names[:limit]) or "none"
        more = f" and {len(names) - limit} more (see the CSV)" if len(names) > limit else ""
        lines.append(f"- **{escape_markdown(title)}** ({len(names)}): {shown}{more}")
    return "\n".join(lines)
