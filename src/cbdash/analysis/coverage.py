"""Which countries each mapping covers, and how many mappings or projects cover each country.

Coverage is derived from a mapping's scope: the union of the member countries of its
`scope_groups` (e.g. `un_members` for a global mapping, `au`, `m49_419`) and its explicit
`scope_countries`. A mapping with neither has unknown coverage and covers no country here.
A stated count (`countries_stated`, e.g. an index that scores 154 countries) does not say
which countries, so it is shown beside the derived coverage, never turned into a list.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbdash.analysis.membership import explode


def coverage_table(mappings: pd.DataFrame, country_groups: pd.DataFrame) -> pd.DataFrame:
    """Long table (mapping_id, iso3) of the countries each mapping covers."""
    via_groups = explode(mappings, "id", "scope_groups", "group_id").merge(
        country_groups[["group_id", "iso3"]], on="group_id"
    )[["id", "iso3"]]
    direct = explode(mappings, "id", "scope_countries", "iso3")
    table = pd.concat([via_groups, direct], ignore_index=True).drop_duplicates()
    table = table.rename(columns={"id": "mapping_id"})
    return table.sort_values(["mapping_id", "iso3"]).reset_index(drop=True)


def coverage_counts(coverage: pd.DataFrame, countries: pd.Series | None = None) -> pd.Series:
    """Number of mappings covering each country (index iso3); `countries` adds zeros."""
    counts = coverage.groupby("iso3")["mapping_id"].nunique()
    if countries is not None:
        counts = counts.reindex(pd.Index(countries, name="iso3").unique(), fill_value=0)
    return counts.rename("mappings").astype(int)


def project_countries(projects: pd.DataFrame) -> pd.DataFrame:
    """Long table (project_id, iso3) of the beneficiary countries a source names."""
    return explode(projects, "project_id", "beneficiary_countries", "iso3")


def project_counts(projects: pd.DataFrame, countries: pd.Series | None = None) -> pd.Series:
    """Number of projects naming each country as beneficiary (index iso3)."""
    long = project_countries(projects)
    counts = long.groupby("iso3")["project_id"].nunique()
    if countries is not None:
        counts = counts.reindex(pd.Index(countries, name="iso3").unique(), fill_value=0)
    return counts.rename("projects").astype(int)


def country_summary(
    coverage: pd.DataFrame,
    projects: pd.DataFrame,
    countries: pd.DataFrame,
    projects_per_country: pd.Series | None = None,
) -> pd.DataFrame:
    """Per country (iso3, name, ...): mappings covering it and projects naming it.

    `projects_per_country`, when given, is `project_counts(projects)` computed elsewhere
    (e.g. `Model.project_counts`, from precomputed codes), so the project lists are not
    exploded again."""
    table = countries.set_index("iso3")
    per_country = project_counts(projects) if projects_per_country is None else projects_per_country
    table["mappings"] = coverage_counts(coverage).reindex(table.index, fill_value=0)
    table["projects"] = per_country.reindex(table.index, fill_value=0)
    return table.reset_index()


def mapping_footprint(coverage: pd.DataFrame, mapping_ids: list[str]) -> pd.Series:
    """For selected mappings: how many of them cover each country (index iso3)."""
    chosen = coverage[coverage["mapping_id"].isin(mapping_ids)]
    return chosen.groupby("iso3")["mapping_id"].nunique().rename("mappings").astype(int)


def country_mappings(coverage: pd.DataFrame, mappings: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The mappings that cover one country."""
    ids = set(coverage.loc[coverage["iso3"] == iso3, "mapping_id"])
    return mappings[mappings["id"].isin(ids)].reset_index(drop=True)


def country_projects(projects: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The projects that name one country as beneficiary."""
    mask = [iso3 in cs for cs in projects["beneficiary_countries"].to_numpy(dtype=object)]
    return projects[np.array(mask, dtype=bool)].reset_index(drop=True)


GLOBAL_GROUP = "un_members"


def is_global(mappings: pd.DataFrame) -> pd.Series:
    """True for mappings whose scope is global (their scope groups include all UN members)."""
    return mappings["scope_groups"].map(lambda groups: GLOBAL_GROUP in groups)
