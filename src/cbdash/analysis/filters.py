"""The sidebar filters as one frozen value: read from and written to readable URL
query parameters (`?users=csirts_technical&topics=cybercrime`), applied to mappings and
projects, and described in a sentence for chart captions.

Within one filter the chosen values are alternatives (any of them); different filters
must all hold. Mapping attributes (kind, access, export, confidence) narrow the mappings
only; topics, target users and regions narrow both mappings and projects.

Which efforts count: by default only active mappings (role `mapping`, status `active`);
`include` adds archived mappings, related efforts (hubs, funds, training centres, projects,
trackers) or proposals, each switched in by name, never mixed in silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import pandas as pd

PARAM_SEPARATOR = ","
UNKNOWN = "unknown"
INCLUDE_CHOICES = ("archived", "related", "proposal")


def counted(mappings: pd.DataFrame, include: tuple[str, ...] = ()) -> pd.Series:
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

    @classmethod
    def from_query(
        cls, params: Mapping[str, str | list[str]], allowed: Mapping[str, set[str]]
    ) -> tuple[Filters, list[str]]:
        """Filters from query parameters; unknown values are dropped and listed as messages."""
        chosen: dict[str, tuple[str, ...]] = {}
        problems: list[str] = []
        for name in cls.names():
            raw = params.get(name)
            if raw is None:
                continue
            parts = raw if isinstance(raw, list) else [raw]
            values = [v.strip() for p in parts for v in str(p).split(PARAM_SEPARATOR) if v.strip()]
            good = [v for v in values if v in allowed.get(name, set())]
            problems += [
                f"Ignored unknown {name} '{v}' in the link." for v in values if v not in good
            ]
            chosen[name] = tuple(dict.fromkeys(good))
        return cls(**chosen), problems

    def to_query(self) -> dict[str, str]:
        """Readable query parameters for the chosen values (empty filters left out)."""
        return {n: PARAM_SEPARATOR.join(getattr(self, n)) for n in self.names() if getattr(self, n)}

    def with_values(self, **values: tuple[str, ...]) -> Filters:
        """A copy with some filters changed."""
        return replace(self, **values)

    @property
    def active(self) -> bool:
        """True when at least one filter restricts the data."""
        return any(getattr(self, n) for n in self.names())

    def apply_mappings(self, mappings: pd.DataFrame, mapping_regions: pd.DataFrame) -> pd.DataFrame:
        """Mappings that pass every filter. `mapping_regions` is (mapping_id, region_id)."""
        mask = counted(mappings, self.include)
        mask &= _any_of(mappings["target_users"], self.users)
        mask &= _any_of(mappings["topics"], self.topics)
        mask &= _one_of(mappings["kind"], self.kinds)
        mask &= _one_of(mappings["access"], self.access)
        mask &= _one_of(mappings["data_export"], self.export)
        mask &= _one_of(mappings["confidence"], self.confidence)
        if self.regions:
            ids = set(
                mapping_regions.loc[mapping_regions["region_id"].isin(self.regions), "mapping_id"]
            )
            mask &= _in(mappings["id"], ids)
        return mappings[mask]

    def apply_projects(self, projects: pd.DataFrame, project_regions: pd.DataFrame) -> pd.DataFrame:
        """Projects that pass the topic, target-user and region filters."""
        mask = pd.Series(True, index=projects.index)
        mask &= _any_of(projects["target_users"], self.users)
        mask &= _any_of(projects["topics"], self.topics)
        if self.regions:
            ids = set(
                project_regions.loc[project_regions["region_id"].isin(self.regions), "project_id"]
            )
            mask &= _in(projects["project_id"], ids)
        return projects[mask]

    def describe(self, labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
        """A sentence for captions, e.g. 'Filtered to topics: Cybercrime; kinds: Index.'"""
        if not self.active:
            return "No filters: all records."
        labels = labels or {}
        parts = []
        for name in self.names():
            values = getattr(self, name)
            if values:
                names = [labels.get(name, {}).get(v, v) for v in values]
                parts.append(f"{name.replace('_', ' ')}: {' or '.join(names)}")
        return "Filtered to " + "; ".join(parts) + "."


def _any_of(series: pd.Series, chosen: tuple[str, ...]) -> pd.Series:
    if not chosen:
        return pd.Series(True, index=series.index)
    wanted = set(chosen)
    hits = [not wanted.isdisjoint(values) for values in series.to_numpy(dtype=object)]
    return pd.Series(hits, index=series.index, dtype=bool)


def _in(series: pd.Series, ids: set[str]) -> pd.Series:
    """`series.isin(ids)` on Python objects: pandas' Arrow-backed strings look up a large
    set value by value, ten times slower."""
    return series.astype(object).isin(ids)


def _one_of(series: pd.Series, chosen: tuple[str, ...]) -> pd.Series:
    if not chosen:
        return pd.Series(True, index=series.index)
    return series.fillna(UNKNOWN).isin(chosen)
