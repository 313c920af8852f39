"""Countries to regions (UN M49), and the regions of mappings and projects.

A project counts in a region when it names a beneficiary country there, or when one of its
`beneficiary_regions`, as written, matches a reviewed alias (`region_aliases.csv`) whose
member countries lie there. Region names that match no alias are reported, never guessed.
"""

from __future__ import annotations

import pandas as pd

from cbdash.analysis.membership import explode

REGION_LEVELS = {"region": "m49_region", "subregion": "m49_subregion"}


def country_regions(
    groups: pd.DataFrame, country_groups: pd.DataFrame, level: str = "region"
) -> pd.DataFrame:
    """Long table (iso3, region_id, region) at the M49 level `region` or `subregion`."""
    group_type = REGION_LEVELS[level]
    chosen = groups.loc[groups["group_type"] == group_type, ["group_id", "name"]]
    table = country_groups.merge(chosen, on="group_id")[["iso3", "group_id", "name"]]
    table = table.rename(columns={"group_id": "region_id", "name": "region"})
    return table.drop_duplicates().reset_index(drop=True)


def alias_countries(region_aliases: pd.DataFrame, country_groups: pd.DataFrame) -> pd.DataFrame:
    """Long table (alias_key, iso3): the countries each region alias stands for."""
    long = explode(
        region_aliases.assign(alias_key=region_aliases["alias"].str.casefold()),
        "alias_key",
        "group_ids",
        "group_id",
    )
    return long.merge(country_groups, on="group_id")[["alias_key", "iso3"]].drop_duplicates()


def project_reach(
    projects: pd.DataFrame, region_aliases: pd.DataFrame, country_groups: pd.DataFrame
) -> pd.DataFrame:
    """Long table (project_id, iso3): the countries a project names as beneficiaries and the
    member countries of the regions it names that match a reviewed alias."""
    named = explode(projects, "project_id", "beneficiary_countries", "iso3")
    written = explode(projects, "project_id", "beneficiary_regions", "alias")
    written["alias_key"] = written["alias"].str.casefold().str.strip()
    via_alias = written.merge(alias_countries(region_aliases, country_groups), on="alias_key")
    both = pd.concat([named, via_alias[["project_id", "iso3"]]], ignore_index=True)
    return both.drop_duplicates().reset_index(drop=True)


def project_region_table(
    projects: pd.DataFrame,
    region_aliases: pd.DataFrame,
    country_groups: pd.DataFrame,
    regions: pd.DataFrame,
) -> pd.DataFrame:
    """Long table (project_id, region_id, region): named countries and matched aliases."""
    both = project_reach(projects, region_aliases, country_groups)
    table = both.merge(regions, on="iso3")[["project_id", "region_id", "region"]]
    table = table.drop_duplicates()
    return table.sort_values(["project_id", "region"]).reset_index(drop=True)


def country_subregions(groups: pd.DataFrame, country_groups: pd.DataFrame) -> pd.DataFrame:
    """Long table (iso3, region_id, region) at the level of UN M49's ~22 sub-regions: a
    sub-region wholly divided into intermediate regions (Sub-Saharan Africa into four, Latin
    America and the Caribbean into three) is replaced by them; the others are kept whole
    (Northern Europe, of which only the Channel Islands form an intermediate region)."""
    subregions = country_regions(groups, country_groups, "subregion")
    inter = groups.loc[groups["group_type"] == "m49_intermediate", ["group_id", "name"]]
    parents = groups.set_index("group_id")["parent_id"]
    within = country_groups.merge(inter, on="group_id")[["iso3", "group_id", "name"]]
    within = within.rename(columns={"group_id": "region_id", "name": "region"})
    within["parent"] = within["region_id"].map(parents)
    split = [
        sub
        for sub, members in subregions.groupby("region_id")["iso3"]
        if set(members) <= set(within.loc[within["parent"] == sub, "iso3"])
    ]
    kept = subregions[~subregions["region_id"].isin(split)]
    parts = within[within["parent"].isin(split)][["iso3", "region_id", "region"]]
    table = pd.concat([kept, parts], ignore_index=True).drop_duplicates("iso3")
    return table.sort_values(["region", "iso3"]).reset_index(drop=True)


def unmatched_region_names(projects: pd.DataFrame, region_aliases: pd.DataFrame) -> pd.Series:
    """Region names written in projects that match no alias, with how often they occur."""
    written = explode(projects, "project_id", "beneficiary_regions", "alias")["alias"]
    keys = set(region_aliases["alias"].str.casefold().str.strip())
    missing = written[~written.str.casefold().str.strip().isin(keys)]
    return missing.value_counts().rename("projects")


def mapping_region_table(coverage: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Long table (mapping_id, region_id, region): regions with a covered country."""
    table = coverage.merge(regions, on="iso3")[["mapping_id", "region_id", "region"]]
    table = table.drop_duplicates()
    return table.reset_index(drop=True)
