"""Which countries each mapping covers, and how many mappings or projects cover each country.

Coverage is the union of the member countries of a mapping's `scope_groups` (e.g.
`un_members` for a global mapping, `au`, `m49_419`) and its explicit `scope_countries`. Each
row carries its basis: `stated` when a source lists the countries (coverage_basis
stated_list), else `derived` from the scope. Derived coverage reaches only UN member and
observer states (and Kosovo when the scope names it), never uninhabited or dependent
territories that a region's member list also holds. A mapping that states a count but not
which countries (coverage_basis stated_count) covers no country here: its scope is kept for
filtering by region, and `covered_count` gives its stated count. A mapping with no scope
has unknown coverage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbdash.analysis.membership import explode
from cbdash.data.rules import KOSOVO, UN_GROUPS

BASIS_OF_ROWS = {"stated_list": "stated", "derived": "derived", "stated_count": "scope_only"}


def coverage_table(mappings: pd.DataFrame, country_groups: pd.DataFrame) -> pd.DataFrame:
    """Long table (mapping_id, iso3, basis) of the countries in each mapping's scope.
    `basis` is "stated" or "derived" for covered countries, and "scope_only" for the scope of
    a mapping that states a count without a list (which of those countries it covers is
    unknown): use `countable` to count coverage, the whole table to filter by region."""
    via_groups = explode(mappings, "id", "scope_groups", "group_id").merge(
        country_groups[["group_id", "iso3"]], on="group_id"
    )[["id", "iso3"]]
    direct = explode(mappings, "id", "scope_countries", "iso3")
    table = pd.concat([via_groups, direct], ignore_index=True).drop_duplicates()
    table = table.rename(columns={"id": "mapping_id"})
    basis = dict(zip(mappings["id"], mappings["coverage_basis"], strict=True))
    table["basis"] = table["mapping_id"].map(
        {m: BASIS_OF_ROWS.get(b, "derived") for m, b in basis.items()}
    )
    states = set(country_groups.loc[country_groups["group_id"].isin(UN_GROUPS), "iso3"])
    named = set(zip(direct["id"], direct["iso3"], strict=True))
    kosovo_named = np.array(
        [
            (m, c) in named and c == KOSOVO
            for m, c in zip(table["mapping_id"], table["iso3"], strict=True)
        ],
        dtype=bool,
    )
    keep = (
        (table["basis"] == "stated").to_numpy()
        | table["iso3"].isin(states).to_numpy()
        | kosovo_named
    )
    table = table[keep]
    return table.sort_values(["mapping_id", "iso3"]).reset_index(drop=True)


def countable(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of `coverage_table` that say a mapping covers a country."""
    return table[table["basis"] != "scope_only"].reset_index(drop=True)


def covered_count(mappings: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Per mapping (index id): `countries`, the number a presenter may quote (a stated
    count wins over the countries derived from the scope), and its `basis` in words."""
    derived = coverage.groupby("mapping_id")["iso3"].nunique()
    out = []
    for m in mappings.to_dict("records"):
        stated = m.get("countries_stated")
        basis = m.get("coverage_basis") or "unknown"
        if basis == "stated_count" and not pd.isna(stated):
            n, words = int(stated), f"stated count, as of {m.get('coverage_as_of')}"
        elif basis == "stated_list":
            n, words = int(derived.get(m["id"], 0)), f"stated list, as of {m.get('coverage_as_of')}"
        elif basis == "derived":
            n, words = int(derived.get(m["id"], 0)), "derived from the scope"
        else:
            n, words = None, "unknown"
        out.append({"id": m["id"], "countries": n, "basis": words})
    return pd.DataFrame(out, columns=["id", "countries", "basis"]).set_index("id")


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
