"""Everything a page needs, derived once from the data directory.

`build_model` loads the inventory and geometry and precomputes the long tables (coverage,
regions) that every page filters. It is pure: the Streamlit cache around it lives in
`cbdash.ui`.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from cbdash.analysis import coverage, regions
from cbdash.analysis.filters import (
    INCLUDE_CHOICES,
    Filters,
    MembershipIndex,
    mapping_mask,
    project_mask,
)
from cbdash.analysis.network import listing_codes
from cbdash.data.countries import country_name
from cbdash.data.inventory import Inventory, empty_data, load_data
from cbdash.data.taxonomy import labels
from cbdash.data.validation import Report
from cbdash.text import short_label

T = TypeVar("T")

UN_GROUPS = ("un_members", "un_observers")
LABELLED_CHOICES = {
    "access": {
        "open": "Open",
        "registration": "Registration",
        "restricted": "Restricted",
        "unknown": "Unknown",
    },
    "export": {
        "csv": "CSV",
        "api": "API",
        "download": "Download",
        "none": "None",
        "unknown": "Unknown",
    },
    "confidence": {"high": "High", "medium": "Medium", "low": "Low"},
    "include": {
        "archived": "Archived mappings",
        "related": "Related efforts (hubs, funds, centres, projects)",
        "proposal": "Proposals",
    },
}


UNREADABLE = "could not be read"  # a folder the loaders or derivations failed on
MEMO_BYTES = 128 * 2**20  # what Model.memo keeps in all, per model


def approx_bytes(value: Any) -> int:
    """Rough memory of a value kept by Model.memo: frames, series and arrays by their
    buffers (not the strings they point to), containers by their items, the rest 1 KB."""
    if isinstance(value, pd.DataFrame | pd.Series):
        usage = value.memory_usage(index=True, deep=False)
        return int(usage.sum() if isinstance(usage, pd.Series) else usage)
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, tuple | list | dict):
        items = list(value.values()) if isinstance(value, dict) else value
        if len(items) > 64:  # a long container of small values: do not walk it
            return 64 * len(items)
        return sum(approx_bytes(v) for v in items)
    return 1024


@dataclass(frozen=True)
class Model:
    """The inventory plus derived tables; treat every frame as read-only."""

    inventory: Inventory
    shapes: pd.DataFrame
    points: pd.DataFrame
    countries: pd.DataFrame
    coverage: pd.DataFrame
    country_regions: pd.DataFrame
    mapping_regions: pd.DataFrame
    project_regions: pd.DataFrame
    labels: dict[str, dict[str, str]]
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _lock: Any = field(default_factory=threading.RLock, init=False, repr=False, compare=False)

    def derived(self, name: str, make: Callable[[], T]) -> T:
        """`make()` computed once per model and kept (the model itself is cached per change
        of the data files): for tables that do not depend on the filters. Treat as read-only.
        `make` may itself use `derived` or `memo` (the lock is reentrant)."""
        if name not in self._derived:
            with self._lock:
                if name not in self._derived:
                    self._derived[name] = make()
        return self._derived[name]

    def memo(self, key: Hashable, make: Callable[[], T], max_entries: int = 32) -> T:
        """`make()` kept for the `max_entries` most recent keys and at most MEMO_BYTES in all
        (a value larger than half of that is not kept): for values that depend on the
        filters (key them by what they are computed from, e.g. the filters and the page's
        own choices), so a rerun that does not change them does not compute them again.
        Treat the value as read-only."""
        cache: OrderedDict[Hashable, tuple[Any, int]] = self.derived("memo", OrderedDict)
        with self._lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key][0]
        value = make()
        size = approx_bytes(value)
        if size > MEMO_BYTES // 2:
            return value
        with self._lock:
            cache[key] = (value, size)
            total = sum(s for _, s in cache.values())
            while len(cache) > max_entries or total > MEMO_BYTES:
                _, (_, dropped) = cache.popitem(last=False)
                total -= dropped
        return value

    @property
    def mapping_names(self) -> dict[str, str]:
        """Mapping id -> name."""
        m = self.inventory.mappings
        return self.derived("mapping_names", lambda: dict(zip(m["id"], m["name"], strict=True)))

    @property
    def mapping_short_names(self) -> dict[str, str]:
        """Mapping id -> a label for crowded charts: its `short_name` in the data, else
        `text.short_label` of its name (the full name goes in the hover)."""

        def make() -> dict[str, str]:
            m = self.inventory.mappings
            given = m["short_name"] if "short_name" in m else pd.Series(None, index=m.index)
            return {
                i: (str(s) if isinstance(s, str) and s.strip() else short_label(n))
                for i, n, s in zip(m["id"], m["name"], given, strict=True)
            }

        return self.derived("mapping_short_names", make)

    def filtered_mappings(self, filters: Filters) -> pd.DataFrame:
        """The mappings that pass `filters` (cbdash.analysis.filters.mapping_mask, over
        membership matrices built once per model), kept per filter state."""
        return self.memo(("filtered_mappings", filters), lambda: self._filter_mappings(filters))

    def _filter_mappings(self, filters: Filters) -> pd.DataFrame:
        m = self.inventory.mappings
        index = self.derived(
            "mapping_index",
            lambda: MembershipIndex.of(m, "id", self.mapping_regions, "mapping_id"),
        )
        return m[mapping_mask(m, index, filters)]

    def filtered_projects(self, filters: Filters) -> pd.DataFrame:
        """The projects that pass `filters` (cbdash.analysis.filters.project_mask), each with
        `listed_in` narrowed to the mappings that pass them (`filtered_mappings`): a listing
        by an effort shown apart, or by a mapping filtered out, does not count. Kept per
        filter state."""
        return self.memo(("filtered_projects", filters), lambda: self._filter_projects(filters))

    def _filter_projects(self, filters: Filters) -> pd.DataFrame:
        p = self.inventory.projects
        index = self.derived(
            "project_index",
            lambda: MembershipIndex.of(p, "project_id", self.project_regions, "project_id"),
        )
        chosen = project_mask(index, filters)
        rows, codes, ids = self.derived("listing_codes", lambda: listing_codes(p))
        counted = ids.isin(self.filtered_mappings(filters)["id"])
        narrowed = np.unique(rows[~counted[codes] & chosen[rows]])
        out = p[chosen]
        if len(narrowed):
            out = out.copy()
            lists = p["listed_in"].to_numpy(dtype=object)[narrowed]
            shown = set(ids[counted])
            out.loc[p.index[narrowed], "listed_in"] = pd.Series(
                [tuple(filter(shown.__contains__, ms)) for ms in lists],
                index=p.index[narrowed],
                dtype=object,
            )
        return out

    def project_mask(self, projects: pd.DataFrame) -> np.ndarray:
        """Which rows of `inventory.projects` are in `projects` (rows of it, same index), as
        a boolean array aligned with the inventory: for matrices built once per model."""
        chosen = np.zeros(len(self.inventory.projects), dtype=bool)
        chosen[self.inventory.projects.index.get_indexer(projects.index)] = True
        return chosen

    def project_counts(self, projects: pd.DataFrame) -> pd.Series:
        """`coverage.project_counts(projects)` for rows of `inventory.projects` (same index):
        projects naming each country as beneficiary, by counting precomputed codes."""
        codes, rows, names = self.derived("project_country_codes", self._project_country_codes)
        chosen = self.project_mask(projects)
        counts = np.bincount(codes[chosen[rows]], minlength=len(names))
        series = pd.Series(counts, index=pd.Index(names, name="iso3"), name="projects")
        return series[series > 0].astype(int)

    def _project_country_codes(self) -> tuple[np.ndarray, np.ndarray, pd.Index]:
        projects = self.inventory.projects
        long = coverage.project_countries(projects)
        ids = pd.Index(projects["project_id"].to_numpy(dtype=object))
        rows = ids.get_indexer(long["project_id"].to_numpy(dtype=object))
        codes, names = pd.factorize(long["iso3"].to_numpy(dtype=object), sort=True)
        return codes, rows, pd.Index(names)

    def filter_options(self) -> dict[str, list[str]]:
        """The values each sidebar filter offers, in display order (made once per model)."""
        return {
            name: list(values)
            for name, values in self.derived("filter_options", self._filter_options).items()
        }

    def _filter_options(self) -> dict[str, list[str]]:
        inv = self.inventory
        return {
            "users": list(inv.vocabulary("target_users")["id"]),
            "topics": list(inv.vocabulary("topics")["id"]),
            "kinds": list(inv.vocabulary("mapping_kinds")["id"]),
            "regions": sorted(self.labels["regions"], key=self.labels["regions"].get),
            "access": list(LABELLED_CHOICES["access"]),
            "export": list(LABELLED_CHOICES["export"]),
            "confidence": list(LABELLED_CHOICES["confidence"]),
            "include": list(INCLUDE_CHOICES),
        }


def build_model(data_dir: Path) -> Model:
    """Load and derive everything from `data_dir`; problems are in `inventory.report`. A
    folder the loaders or the derivations fail on (data nobody foresaw) gives an empty
    model whose report names the failure: the pages say so instead of a traceback."""
    try:
        return _derive(*load_data(data_dir))
    except Exception as exc:
        logging.getLogger(__name__).exception("data folder %s could not be read", data_dir)
        report = Report()
        report.add(str(data_dir), None, None, f"{UNREADABLE} ({type(exc).__name__}: {exc})")
        return _derive(*empty_data(report))


def folder_report(data_dir: Path | str) -> Report:
    """Every problem of the data folder `data_dir` as the app reports it (what
    `python -m cbdash validate` prints)."""
    return build_model(Path(data_dir)).inventory.report


def _derive(inv: Inventory, shapes: pd.DataFrame, points: pd.DataFrame) -> Model:
    # Antarctica is in no mapping's scope; at world zoom it is only a grey band at the edge.
    shapes = shapes[shapes["iso3"] != "ATA"]
    countries = _country_table(points, shapes, inv)
    scope = coverage.coverage_table(inv.mappings, inv.country_groups)
    cov = coverage.countable(scope)
    reg = regions.country_regions(inv.groups, inv.country_groups, "region")
    project_regions = regions.project_region_table(
        inv.projects, inv.region_aliases, inv.country_groups, reg
    )
    region_labels = dict(zip(reg["region_id"], reg["region"], strict=False))
    all_labels = {
        "users": labels(inv.vocabulary("target_users")),
        "topics": labels(inv.vocabulary("topics")),
        "kinds": labels(inv.vocabulary("mapping_kinds")),
        "content_types": labels(inv.vocabulary("content_types")),
        "link_kinds": labels(inv.vocabulary("link_kinds")),
        "regions": region_labels,
        **LABELLED_CHOICES,
    }
    return Model(
        inventory=inv,
        shapes=shapes,
        points=points,
        countries=countries,
        coverage=cov,
        country_regions=reg,
        mapping_regions=regions.mapping_region_table(scope, reg),
        project_regions=project_regions,
        labels=all_labels,
    )


def _country_table(points: pd.DataFrame, shapes: pd.DataFrame, inv: Inventory) -> pd.DataFrame:
    """Every country or territory the app knows (points, shapes, groups): iso3, name,
    small_state, un_member (UN member or observer state)."""
    codes = set(points["iso3"]) | set(shapes.loc[shapes["iso3"] != "", "iso3"])
    codes |= set(inv.country_groups["iso3"])
    table = pd.DataFrame({"iso3": sorted(codes)})
    table["name"] = [country_name(c) for c in table["iso3"]]
    small = set(points.loc[points["small"], "iso3"])
    table["small_state"] = table["iso3"].isin(small)
    un = inv.country_groups.loc[inv.country_groups["group_id"].isin(UN_GROUPS), "iso3"]
    table["un_member"] = table["iso3"].isin(set(un))
    return table.sort_values("name").reset_index(drop=True)
