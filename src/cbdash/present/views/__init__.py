"""What each page shows, computed from the model and kept per filter state (`Model.memo`):
one module per page (`pages/gaps.py` -> `cbdash.present.views.gaps`).

A page reads its widgets, calls one function of its view module per section and renders
the result; the analyses themselves are in `cbdash.analysis`. Every function is pure apart
from the model's memo: the same model, filters and choices give the same (read-only)
objects, computed once.
"""

from __future__ import annotations

import pandas as pd

from cbdash.analysis import need, regions
from cbdash.analysis.filters import Filters
from cbdash.analysis.gaps import ProjectReach
from cbdash.analysis.model import Model


def mapping_ids(model: Model, filters: Filters) -> tuple[str, ...]:
    """The ids of the mappings that pass the filters, kept per filter state: the key of
    what depends only on which mappings pass."""
    return model.memo(
        ("mapping_ids", filters), lambda: tuple(model.filtered_mappings(filters)["id"])
    )


def need_of(model: Model) -> pd.DataFrame:
    """`need.need_table` of every known country, indexed by iso3 (the column kept too);
    made once per model."""
    inv = model.inventory
    return model.derived(
        "need_table",
        lambda: need.need_table(model.countries, inv.country_groups, inv.gci).set_index(
            "iso3", drop=False
        ),
    )


def subregions_of(model: Model) -> pd.Series:
    """Each country's UN M49 sub-region at the ~22 level (`regions.country_subregions`),
    iso3 -> name; made once per model."""
    inv = model.inventory
    return model.derived(
        "country_subregions",
        lambda: regions.country_subregions(inv.groups, inv.country_groups).set_index("iso3")[
            "region"
        ],
    )


def regions_of(model: Model) -> pd.Series:
    """Each country's UN M49 region, iso3 -> name; made once per model."""
    reg = model.country_regions
    return model.derived(
        "country_region_names", lambda: reg.drop_duplicates("iso3").set_index("iso3")["region"]
    )


def project_reach(model: Model) -> ProjectReach:
    """The countries every project reaches (named, or through a region alias) and its topics
    (`cbdash.analysis.gaps.ProjectReach`; global: reaching every UN member state), built
    once per model."""
    inv = model.inventory
    return model.derived(
        "project_reach",
        lambda: ProjectReach.build(
            regions.project_reach(inv.projects, inv.region_aliases, inv.country_groups),
            inv.projects,
            set(inv.country_groups.loc[inv.country_groups["group_id"] == "un_members", "iso3"]),
        ),
    )
