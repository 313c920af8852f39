"""The Explore page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.present.tables import (
    mapping_rows,
    project_rows,
    search,
    with_filter_columns,
)


def explore_rows(
    model: Model, filters: Filters, name: str, text: str, columns: Sequence[str]
) -> pd.DataFrame:
    """The readable rows of the mappings or projects (`name`) that pass the filters and
    match the search `text` (`tables.search`), with `columns` and then the column of each
    filter that acted on them (so the download says why each row passed); kept per
    filter state, table, search and columns."""
    chosen = tuple(columns)

    def make() -> pd.DataFrame:
        if name == "mappings":
            rows = mapping_rows(model).loc[model.filtered_mappings(filters).index]
        else:
            rows = project_rows(model, model.filtered_projects(filters))
        active = [f for f in Filters.names() if getattr(filters, f)]
        shown = with_filter_columns(chosen, name, active, list(rows.columns))
        return search(rows, text)[shown]

    return model.memo(("explore", filters, name, text, chosen), make)


def explore_comparison(model: Model, ids: Sequence[str]) -> pd.DataFrame:
    """Mappings side by side: a column per mapping (by name), a row per field, as text."""
    side = mapping_rows(model)[mapping_rows(model)["mapping id"].isin(ids)]
    return side.set_index("name").T.astype(str)
