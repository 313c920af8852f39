"""The Home page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.present import takeaways
from cbdash.present.tables import (
    mapping_rows,
)

HOME_COLUMNS = [
    "name",
    "owners",
    "kind",
    "scope",
    "countries covered (derived)",
    "topics",
    "confidence",
    "url",
]


class HomeHeadline(NamedTuple):
    """The opening sentence and the four numbers: mapping efforts, projects listed,
    countries covered and cooperation links."""

    sentence: str
    numbers: list[int]


def home_headline(model: Model, filters: Filters) -> HomeHeadline:
    """Who maps, and how much, among the mappings and projects that pass the filters; kept
    per filter state."""

    def make() -> HomeHeadline:
        mappings = model.filtered_mappings(filters)
        ids = mappings["id"]
        cooperation = model.inventory.cooperation
        links = cooperation["mapping_a"].isin(ids) & cooperation["mapping_b"].isin(ids)
        numbers = [
            len(mappings),
            len(model.filtered_projects(filters)),
            model.coverage.loc[model.coverage["mapping_id"].isin(ids), "iso3"].nunique(),
            int(links.sum()),
        ]
        return HomeHeadline(takeaways.who_maps(mappings, model.labels["kinds"]), numbers)

    return model.memo(("home", filters), make)


def home_kinds(model: Model, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The mappings that pass the filters per kind, most first: with readable labels
    (label, mappings: shown) and with kind ids (kind, mappings: the download); kept per
    filter state."""

    def make() -> tuple[pd.DataFrame, pd.DataFrame]:
        kind_labels = model.labels["kinds"]
        kinds = (
            model.filtered_mappings(filters)["kind"]
            .value_counts()
            .rename_axis("kind")
            .reset_index(name="mappings")
            .assign(label=lambda d: d["kind"].map(lambda k: kind_labels.get(k, k)))
        )
        return kinds[["label", "mappings"]], kinds[["kind", "mappings"]]

    return model.memo(("home_kinds", filters), make)


def home_table(model: Model, filters: Filters) -> pd.DataFrame:
    """The readable rows (HOME_COLUMNS) of the mappings that pass the filters; kept per
    filter state. A mapping's derived coverage does not depend on which others pass."""
    return model.memo(
        ("home_table", filters),
        lambda: mapping_rows(model).loc[model.filtered_mappings(filters).index, HOME_COLUMNS],
    )
