"""Long tables and boolean membership matrices: the shape every analysis starts from.

A long table has one row per (item, value), e.g. (mapping_id, topic). A membership matrix
has items as rows, values as columns and booleans inside, so that overlaps and counts are
matrix products instead of Python loops.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def explode(df: pd.DataFrame, id_col: str, list_col: str, value_name: str) -> pd.DataFrame:
    """One row per (id, element) of a list column; empty lists give no row."""
    if df.empty:
        return pd.DataFrame({id_col: pd.Series(dtype=str), value_name: pd.Series(dtype=str)})
    long = df[[id_col, list_col]].explode(list_col).dropna(subset=[list_col])
    long = long.rename(columns={list_col: value_name}).drop_duplicates()
    return long.astype({id_col: str, value_name: str}).reset_index(drop=True)


def membership_matrix(
    long: pd.DataFrame,
    row: str,
    col: str,
    rows: Sequence[str] | None = None,
    cols: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Boolean matrix rows x cols from a long table; `rows`/`cols` fix order and add empties."""
    rows = list(dict.fromkeys(rows if rows is not None else long[row]))
    cols = list(dict.fromkeys(cols if cols is not None else long[col]))
    r_index = pd.Index(rows)
    c_index = pd.Index(cols)
    matrix = np.zeros((len(rows), len(cols)), dtype=bool)
    if len(long) and rows and cols:
        ri = r_index.get_indexer(long[row])
        ci = c_index.get_indexer(long[col])
        keep = (ri >= 0) & (ci >= 0)
        matrix[ri[keep], ci[keep]] = True
    return pd.DataFrame(matrix, index=r_index.rename(row), columns=c_index.rename(col))


def seriate(matrix: pd.DataFrame) -> list[str]:
    """Row order that puts similar rows next to each other (greedy nearest neighbour).

    Starts from the row with the largest total and repeatedly appends the most similar
    (cosine) unplaced row; ties go to the larger total, then the label. Deterministic.
    """
    if matrix.shape[0] <= 2:
        return (
            list(matrix.sort_values(by=list(matrix.columns), ascending=False).index)
            if (matrix.shape[1])
            else list(matrix.index)
        )
    values = matrix.to_numpy(dtype=float)
    norms = np.linalg.norm(values, axis=1)
    norms[norms == 0] = 1.0
    unit = values / norms[:, None]
    similarity = unit @ unit.T
    totals = values.sum(axis=1)
    labels = [str(x) for x in matrix.index]
    order_key = sorted(range(len(labels)), key=lambda i: (-totals[i], labels[i]))
    placed = [order_key[0]]
    remaining = set(order_key[1:])
    while remaining:
        last = placed[-1]
        nxt = min(remaining, key=lambda i: (-similarity[last, i], -totals[i], labels[i]))
        placed.append(nxt)
        remaining.remove(nxt)
    return [matrix.index[i] for i in placed]


def order_by_totals(matrix: pd.DataFrame) -> pd.DataFrame:
    """Rows and columns sorted by their totals, largest first (ties by label)."""
    row_tot = matrix.sum(axis=1)
    col_tot = matrix.sum(axis=0)
    rows = sorted(matrix.index, key=lambda r: (-row_tot[r], str(r)))
    cols = sorted(matrix.columns, key=lambda c: (-col_tot[c], str(c)))
    return matrix.loc[rows, cols]
