"""Everything a page needs, derived once from the data directory.

`build_model` loads the inventory and geometry and precomputes the long tables (coverage,
regions) that every page filters. It is pure: the Streamlit cache around it lives in
`cbdash.ui`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cbdash import coverage, figures, geo, regions, tables
from cbdash.countries import country_name
from cbdash.inventory import Inventory, load_inventory
from cbdash.taxonomy import labels

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
}


@dataclass(frozen=True)
class Model:
    """The inventory plus derived tables; treat every frame as read-only.

    `mapping_rows` and `project_rows` are the readable tables (labels, joined lists) of all
    records, row-aligned with `inventory.mappings` and `inventory.projects`.
    """

    inventory: Inventory
    shapes: pd.DataFrame
    points: pd.DataFrame
    countries: pd.DataFrame
    coverage: pd.DataFrame
    country_regions: pd.DataFrame
    mapping_regions: pd.DataFrame
    project_regions: pd.DataFrame
    labels: dict[str, dict[str, str]]
    mapping_rows: pd.DataFrame
    project_rows: pd.DataFrame

    @property
    def mapping_names(self) -> dict[str, str]:
        """Mapping id -> name."""
        return dict(
            zip(self.inventory.mappings["id"], self.inventory.mappings["name"], strict=True)
        )

    def filter_options(self) -> dict[str, list[str]]:
        """The values each sidebar filter offers, in display order."""
        inv = self.inventory
        return {
            "users": list(inv.vocabulary("target_users")["id"]),
            "topics": list(inv.vocabulary("topics")["id"]),
            "kinds": list(inv.vocabulary("mapping_kinds")["id"]),
            "regions": sorted(self.labels["regions"], key=self.labels["regions"].get),
            "access": list(LABELLED_CHOICES["access"]),
            "export": list(LABELLED_CHOICES["export"]),
            "confidence": list(LABELLED_CHOICES["confidence"]),
        }


def build_model(data_dir: Path) -> Model:
    """Load and derive everything from `data_dir`; problems are in `inventory.report`."""
    inv = load_inventory(data_dir)
    shapes, points = geo.load_geometry(data_dir, inv.report)
    # Drawn on every rerun of the map: fewer vertices, same look at world zoom.
    shapes = figures.simplify_shapes(shapes, keep_all=list(points.loc[points["small"], "iso3"]))
    countries = _country_table(points, shapes, inv)
    cov = coverage.coverage_table(inv.mappings, inv.country_groups)
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
    covered = cov.groupby("mapping_id")["iso3"].nunique()
    names = dict(zip(inv.mappings["id"], inv.mappings["name"], strict=True))
    return Model(
        inventory=inv,
        shapes=shapes,
        points=points,
        countries=countries,
        coverage=cov,
        country_regions=reg,
        mapping_regions=regions.mapping_region_table(cov, reg),
        project_regions=project_regions,
        labels=all_labels,
        mapping_rows=tables.mapping_table(inv.mappings, all_labels, covered),
        project_rows=tables.project_table(inv.projects, all_labels, names),
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
