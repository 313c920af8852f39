"""Topic matrices: mapping x topic, region x topic, target users x topic.

Every matrix is a count of distinct items (mappings or projects) that have both the row
value and the column value, computed as a product of boolean membership matrices.

The list columns are read straight into numpy (item codes x value codes) rather than through
`membership.explode`: with pandas 3's Arrow-backed strings, exploding, de-duplicating and
looking up 100,000 projects cost seconds per rerun. The results are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import pandas as pd

from cbdash.analysis.membership import order_by_totals


def _items(items: pd.DataFrame, id_col: str) -> tuple[pd.Index, np.ndarray]:
    """(the distinct ids in order of appearance, the code of each row's id)."""
    codes, uniques = pd.factorize(items[id_col].astype(str).to_numpy(dtype=object))
    return pd.Index(list(uniques)), codes


def _pairs(items: pd.DataFrame, list_col: str, row_codes: np.ndarray) -> tuple[np.ndarray, ...]:
    """(item codes, values): one pair per element of each row's list (a value repeated in a
    list gives a repeated pair, which a boolean matrix absorbs)."""
    lists = items[list_col].to_numpy(dtype=object)
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    values = np.fromiter(
        (v if isinstance(v, str) else str(v) for v in chain.from_iterable(lists)),
        dtype=object,
        count=int(lengths.sum()),
    )
    return np.repeat(row_codes, lengths), values


def _matrix(
    item_codes: np.ndarray, values: np.ndarray, n_items: int, columns: Sequence[str] | None
) -> tuple[pd.Index, np.ndarray]:
    """Boolean matrix items x columns (`columns`, or the values in order of appearance)."""
    index = pd.Index(list(dict.fromkeys(values if columns is None else columns)))
    matrix = np.zeros((n_items, len(index)), dtype=bool)
    found = index.get_indexer(values) if len(index) else np.full(len(values), -1)
    keep = found >= 0
    matrix[item_codes[keep], found[keep]] = True
    return index, matrix


def _product(
    left: tuple[np.ndarray, np.ndarray],
    right: tuple[np.ndarray, np.ndarray],
    n_items: int,
    left_col: str,
    right_col: str,
    left_values: Sequence[str] | None = None,
    right_values: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Left value x right value: items (codes below n_items) having both."""
    left_index, a = _matrix(*left, n_items, left_values)
    right_index, b = _matrix(*right, n_items, right_values)
    # float32 products are exact for counts below 2**24 and use BLAS
    product = (a.T.astype(np.float32) @ b.astype(np.float32)).round().astype(np.int64)
    return pd.DataFrame(
        product, index=left_index.rename(left_col), columns=right_index.rename(right_col)
    )


def cross_count(
    left: pd.DataFrame,
    right: pd.DataFrame,
    item: str,
    left_col: str,
    right_col: str,
    left_values: Sequence[str] | None = None,
    right_values: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Matrix left value x right value: number of items having both (items joined on `item`)."""
    codes, uniques = pd.factorize(
        np.concatenate([left[item].to_numpy(dtype=object), right[item].to_numpy(dtype=object)])
    )
    return _product(
        (codes[: len(left)], left[left_col].to_numpy(dtype=object)),
        (codes[len(left) :], right[right_col].to_numpy(dtype=object)),
        len(uniques),
        left_col,
        right_col,
        left_values,
        right_values,
    )


def mapping_topic_matrix(
    mappings: pd.DataFrame, topics: Sequence[str] | None = None
) -> pd.DataFrame:
    """0/1 matrix mapping id x topic, ordered by totals (busiest first)."""
    return mapping_value_matrix(mappings, "topics", "topic", topics)


def mapping_value_matrix(
    mappings: pd.DataFrame, list_col: str, name: str, values: Sequence[str] | None = None
) -> pd.DataFrame:
    """0/1 matrix mapping id x value of list column `list_col` (e.g. target_users), with
    columns named `name`, ordered by totals (busiest first)."""
    ids, codes = _items(mappings, "id")
    columns, matrix = _matrix(*_pairs(mappings, list_col, codes), len(ids), values)
    frame = pd.DataFrame(matrix.astype(int), index=ids.rename("id"), columns=columns.rename(name))
    return order_by_totals(frame)


def region_topic_matrix(
    item_regions: pd.DataFrame,
    items: pd.DataFrame,
    id_col: str,
    topics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Region x topic: how many items (mappings or projects) in a region address a topic.

    `item_regions` is a long table (id_col, region); `items` has a `topics` list column.
    """
    ids, codes = _items(items, id_col)
    region_codes = ids.get_indexer(item_regions[id_col].astype(str).to_numpy(dtype=object))
    chosen = region_codes >= 0
    regions = (region_codes[chosen], item_regions["region"].to_numpy(dtype=object)[chosen])
    matrix = _product(
        regions, _pairs(items, "topics", codes), len(ids), "region", "topic", None, topics
    )
    return order_by_totals(matrix)


def users_topic_matrix(
    items: pd.DataFrame,
    id_col: str,
    users: Sequence[str] | None = None,
    topics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Target users x topic: how many items serve a user group on a topic."""
    ids, codes = _items(items, id_col)
    matrix = _product(
        _pairs(items, "target_users", codes),
        _pairs(items, "topics", codes),
        len(ids),
        "target_user",
        "topic",
        users,
        topics,
    )
    return order_by_totals(matrix)


def value_counts(items: pd.DataFrame, id_col: str, list_col: str) -> pd.Series:
    """How many items carry each value of a list column, largest first."""
    _, codes = _items(items, id_col)
    item_codes, values = _pairs(items, list_col, codes)
    value_codes, uniques = pd.factorize(values)
    # an item counts once per value (a value repeated in a list, or an id on several rows)
    first = ~pd.Series(item_codes * max(1, len(uniques)) + value_codes).duplicated().to_numpy()
    return pd.Series(values[first], name="value", dtype=str).value_counts().rename("count")
