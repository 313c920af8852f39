"""The sidebar filters as one frozen value, and the one implementation of what each filter
does (`mapping_mask`, `project_mask`), over membership matrices built once per model.

Within one filter the chosen values are alternatives (any of them); different filters
must all hold. Mapping attributes (kind, access, export, confidence) narrow the mappings
only; topics, target users and regions narrow both mappings and projects.

Which efforts count: by default only active mappings (role `mapping`, status `active`);
`include` adds archived mappings, related efforts (hubs, funds, training centres, project
portfolios, projects, trackers) or proposals, each switched in by name, never mixed in
silently. How a filter is read from a link and drawn is declared in cbdash.present.state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from cbdash.analysis.topics import value_counts
from cbdash.text import escape_markdown

UNKNOWN = "unknown"
INCLUDE_CHOICES = ("archived", "related", "proposal")
# List-valued filters (any of the chosen values among the row's) and the frames they narrow.
LIST_FILTERS = {"users": "target_users", "topics": "topics", "regions": "regions"}
# Mapping attributes: one value per mapping, a missing value counts as "unknown".
MAPPING_ATTRIBUTES = {
    "kinds": "kind",
    "access": "access",
    "export": "data_export",
    "confidence": "confidence",
}


@dataclass(frozen=True)
class Filters:
    """Chosen values per filter; an empty tuple means no restriction."""

    users: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    access: tuple[str, ...] = ()
    export: tuple[str, ...] = ()
    confidence: tuple[str, ...] = ()
    include: tuple[str, ...] = ()

    @classmethod
    def names(cls) -> list[str]:
        """Filter names, which are also the URL parameter names."""
        return [f.name for f in fields(cls)]

    def with_values(self, **values: tuple[str, ...]) -> Filters:
        """A copy with some filters changed."""
        return replace(self, **values)

    @property
    def active(self) -> bool:
        """True when at least one filter restricts the data."""
        return any(getattr(self, n) for n in self.names())

    def describe(self, labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
        """A sentence for captions, e.g. 'Filtered to topics: Cybercrime; kinds: Index.';
        Markdown-safe (labels from the data are escaped)."""
        counted = "Active mappings" + (
            " plus " + ", ".join(labels_of(labels, "include", self.include)).lower()
            if self.include
            else ""
        )
        restrictions = []
        for name in self.names():
            values = getattr(self, name)
            if values and name != "include":
                names = [escape_markdown(n) for n in labels_of(labels, name, values)]
                restrictions.append(f"{name.replace('_', ' ')}: {' or '.join(names)}")
        if not restrictions:
            return f"{counted}; no other filter."
        return f"{counted}; filtered to " + "; ".join(restrictions) + "."


def labels_of(
    labels: Mapping[str, Mapping[str, str]] | None, name: str, values: Sequence[str]
) -> list[str]:
    """Display labels of the values of filter `name`."""
    table = (labels or {}).get(name, {})
    return [table.get(v, v) for v in values]


def counted(mappings: pd.DataFrame, include: Sequence[str] = ()) -> pd.Series:
    """Which mappings count: active mappings, plus the kinds of effort `include` names
    (archived mappings, related efforts, proposals)."""
    role, status = mappings["role"], mappings["status"]
    mask = (role == "mapping") & (status == "active")
    if "archived" in include:
        mask |= (role == "mapping") & (status == "archived")
    if "related" in include:
        mask |= (role == "related") & (status != "proposal")
    if "proposal" in include:
        mask |= status == "proposal"
    return mask.fillna(False).astype(bool)


def option_counts(
    mappings: pd.DataFrame, mapping_regions: pd.DataFrame, include: Sequence[str] = ()
) -> dict[str, dict[str, int]]:
    """Per sidebar filter, how many mappings carry each value, among the mappings `include`
    counts (as the pages count them); for "include", how many efforts each choice adds."""
    role, status = mappings["role"], mappings["status"]
    m = mappings[counted(mappings, include)]
    regions = mapping_regions[mapping_regions["mapping_id"].isin(m["id"])]
    series = {
        "users": value_counts(m, "id", "target_users"),
        "topics": value_counts(m, "id", "topics"),
        "kinds": m["kind"].value_counts(),
        "regions": regions.groupby("region_id")["mapping_id"].nunique(),
        "access": m["access"].fillna(UNKNOWN).value_counts(),
        "export": m["data_export"].fillna(UNKNOWN).value_counts(),
        "confidence": m["confidence"].value_counts(),
        "include": pd.Series(
            {
                "archived": int(((role == "mapping") & (status == "archived")).sum()),
                "related": int(((role == "related") & (status != "proposal")).sum()),
                "proposal": int((status == "proposal").sum()),
            }
        ),
    }
    return {name: {str(k): int(v) for k, v in s.items()} for name, s in series.items()}


@dataclass(frozen=True)
class MembershipIndex:
    """Boolean matrices rows x values for the list-valued filter columns of one frame
    (row-aligned with it), so that "any of these values" is a column lookup."""

    n_rows: int
    columns: dict[str, tuple[pd.Index, np.ndarray]]

    def any_of(self, column: str, chosen: Sequence[str]) -> np.ndarray:
        """Rows holding any of `chosen` in `column` (every row when nothing is chosen)."""
        if not chosen:
            return np.ones(self.n_rows, dtype=bool)
        values, matrix = self.columns[column]
        found = values.get_indexer(list(chosen))
        return matrix[:, found[found >= 0]].any(axis=1)

    @classmethod
    def of(
        cls, frame: pd.DataFrame, id_col: str, regions: pd.DataFrame, region_id_col: str
    ) -> MembershipIndex:
        """The index of `frame` for target users, topics (list columns) and regions (the
        long table `regions`: id_col -> region_id)."""
        columns = {
            "target_users": cls._lists(frame, "target_users"),
            "topics": cls._lists(frame, "topics"),
        }
        ids = pd.Index(frame[id_col].to_numpy(dtype=object))
        rows = ids.get_indexer(regions[region_id_col].to_numpy(dtype=object))
        columns["regions"] = cls._matrix(
            len(frame), rows, regions["region_id"].to_numpy(dtype=object)
        )
        return cls(len(frame), columns)

    @staticmethod
    def _matrix(
        n_rows: int, rows: np.ndarray, values: Sequence[str]
    ) -> tuple[pd.Index, np.ndarray]:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        matrix = np.zeros((n_rows, len(uniques)), dtype=bool)
        keep = (rows >= 0) & (codes >= 0)
        matrix[rows[keep], codes[keep]] = True
        return pd.Index(uniques, dtype=object), matrix

    @classmethod
    def _lists(cls, frame: pd.DataFrame, column: str) -> tuple[pd.Index, np.ndarray]:
        lists = frame[column].to_numpy(dtype=object)
        lengths = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
        rows = np.repeat(np.arange(len(frame)), lengths)
        values = [v for items in lists for v in items]
        return cls._matrix(len(frame), rows, values)


def mapping_mask(mappings: pd.DataFrame, index: MembershipIndex, filters: Filters) -> np.ndarray:
    """Which mappings pass every filter (row-aligned with `mappings`, whose index is `index`)."""
    mask = counted(mappings, filters.include).to_numpy().copy()
    for name, column in LIST_FILTERS.items():
        mask &= index.any_of(column, getattr(filters, name))
    for name, column in MAPPING_ATTRIBUTES.items():
        chosen = getattr(filters, name)
        if chosen:
            mask &= mappings[column].fillna(UNKNOWN).isin(chosen).to_numpy()
    return mask


def project_mask(index: MembershipIndex, filters: Filters) -> np.ndarray:
    """Which projects pass the topic, target-user and region filters."""
    mask = np.ones(index.n_rows, dtype=bool)
    for name, column in LIST_FILTERS.items():
        mask &= index.any_of(column, getattr(filters, name))
    return mask
