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

from cbdash.membership import seriate

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
    in_a = membership.loc[a]
    in_b = membership.loc[b]
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
    in_a = membership.loc[a].to_numpy()
    in_b = membership.loc[b].to_numpy()
    return {
        "both": int((in_a & in_b).sum()),
        "only_a": int((in_a & ~in_b).sum()),
        "only_b": int((~in_a & in_b).sum()),
    }


def top_pairs(matrix: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The n pairs (a < b) with the highest values, for a table beside the matrix."""
    values = matrix.to_numpy()
    rows, cols = np.triu_indices(len(matrix), k=1)
    table = pd.DataFrame(
        {
            "mapping_a": matrix.index[rows],
            "mapping_b": matrix.columns[cols],
            "value": values[rows, cols],
        }
    ).dropna()
    return (
        table.sort_values(["value", "mapping_a", "mapping_b"], ascending=[False, True, True])
        .head(n)
        .reset_index(drop=True)
    )
