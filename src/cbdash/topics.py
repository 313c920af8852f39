"""Topic matrices: mapping x topic, region x topic, target users x topic.

Every matrix is a count of distinct items (mappings or projects) that have both the row
value and the column value, computed as a product of boolean membership matrices.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from cbdash.membership import explode, membership_matrix, order_by_totals


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
    items = sorted(set(left[item]) | set(right[item]))
    a = membership_matrix(left, item, left_col, rows=items, cols=left_values).astype(int)
    b = membership_matrix(right, item, right_col, rows=items, cols=right_values).astype(int)
    product = a.T @ b
    product.index.name = left_col
    product.columns.name = right_col
    return product


def mapping_topic_matrix(
    mappings: pd.DataFrame, topics: Sequence[str] | None = None
) -> pd.DataFrame:
    """0/1 matrix mapping id x topic, ordered by totals (busiest first)."""
    long = explode(mappings, "id", "topics", "topic")
    matrix = membership_matrix(long, "id", "topic", rows=list(mappings["id"]), cols=topics)
    return order_by_totals(matrix.astype(int))


def region_topic_matrix(
    item_regions: pd.DataFrame,
    items: pd.DataFrame,
    id_col: str,
    topics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Region x topic: how many items (mappings or projects) in a region address a topic.

    `item_regions` is a long table (id_col, region); `items` has a `topics` list column.
    """
    topic_long = explode(items, id_col, "topics", "topic")
    regions = item_regions[item_regions[id_col].isin(items[id_col])]
    return order_by_totals(
        cross_count(regions, topic_long, id_col, "region", "topic", right_values=topics)
    )


def users_topic_matrix(
    items: pd.DataFrame,
    id_col: str,
    users: Sequence[str] | None = None,
    topics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Target users x topic: how many items serve a user group on a topic."""
    user_long = explode(items, id_col, "target_users", "target_user")
    topic_long = explode(items, id_col, "topics", "topic")
    matrix = cross_count(user_long, topic_long, id_col, "target_user", "topic", users, topics)
    return order_by_totals(matrix)


def value_counts(items: pd.DataFrame, id_col: str, list_col: str) -> pd.Series:
    """How many items carry each value of a list column, largest first."""
    long = explode(items, id_col, list_col, "value")
    return long["value"].value_counts().rename("count")
