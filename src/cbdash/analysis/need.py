"""Need per country, from sourced lists only: the ITU Global Cybersecurity Index 2024 tier
and score, the DAC List of ODA Recipients, UN LDC and SIDS status and the World Bank income
group.

The judgement calls, stated once:
- A country with no GCI row has an unknown tier (`<NA>`): it is never read as low or high
  need, and whatever counts by tier counts it apart.
- High need is a GCI tier at or above a chosen level (tiers 4 "evolving" and 5 "building"
  by default: ITU's two lowest groups).
- A country the World Bank classes as high income is not counted as high need even when it
  is on the DAC list: the DAC list lags graduations (Guyana, Panama, Palau, Nauru and Costa
  Rica were on the list for 2024-2025 flows while high income).
"""

from __future__ import annotations

import pandas as pd

TIER_NAMES = {
    1: "role-modelling",
    2: "advancing",
    3: "establishing",
    4: "evolving",
    5: "building",
}
UNKNOWN_TIER = "GCI tier unknown"
INCOME_GROUPS = {
    "wb_low": "low income",
    "wb_lower_middle": "lower-middle income",
    "wb_upper_middle": "upper-middle income",
    "wb_high": "high income",
}
STATE_GROUPS = ("un_members", "un_observers")
ODA_GROUP = "oda_recipients"
# Which GCI tiers count as high need, by the id a page offers; None = every country,
# whatever its tier (known or not).
NEED_LEVELS: dict[str, tuple[int, ...] | None] = {
    "gci45": (4, 5),
    "gci5": (5,),
    "gci345": (3, 4, 5),
    "any": None,
}
NEED_LABELS = {
    "gci45": "GCI 2024 tier 4–5",
    "gci5": "GCI 2024 tier 5",
    "gci345": "GCI 2024 tier 3–5",
    "any": "any GCI tier, or none known",
}
NEED_CHOICES = {  # the same levels, short, for a page's list
    "gci45": "Tier 4–5",
    "gci5": "Tier 5",
    "gci345": "Tier 3–5",
    "any": "Any tier",
}


def _members(country_groups: pd.DataFrame, *group_ids: str) -> set[str]:
    return set(country_groups.loc[country_groups["group_id"].isin(group_ids), "iso3"])


def need_table(
    countries: pd.DataFrame, country_groups: pd.DataFrame, gci: pd.DataFrame
) -> pd.DataFrame:
    """One row per country of `countries` (iso3, name): `state` (UN member or observer
    state), `oda` (on the DAC List of ODA Recipients), `ldc`, `sids`, `income` (a World
    Bank income group id, "" when the country has none), `gci_tier` (nullable integer 1-5)
    and `gci_score` (NaN when no source states it)."""
    table = countries[["iso3", "name"]].copy()
    iso3 = table["iso3"]
    table["state"] = iso3.isin(_members(country_groups, *STATE_GROUPS))
    table["oda"] = iso3.isin(_members(country_groups, ODA_GROUP))
    table["ldc"] = iso3.isin(_members(country_groups, "ldc"))
    table["sids"] = iso3.isin(_members(country_groups, "sids"))
    income = country_groups[country_groups["group_id"].isin(INCOME_GROUPS)]
    by_country = income.drop_duplicates("iso3").set_index("iso3")["group_id"]
    table["income"] = [str(by_country.get(c, "")) for c in iso3]
    rows = gci.drop_duplicates("iso3").set_index("iso3")
    tiers = [rows["tier"].get(c, pd.NA) for c in iso3] if len(rows) else [pd.NA] * len(iso3)
    table["gci_tier"] = pd.array(tiers, dtype="Int64")
    scores = iso3.map(rows["score"]) if len(rows) else pd.Series(float("nan"), index=iso3.index)
    table["gci_score"] = pd.to_numeric(scores, errors="coerce").astype(float)
    return table.reset_index(drop=True)


def tier_label(tier: object) -> str:
    """'GCI 2024 tier 4 (evolving)' for a known tier, UNKNOWN_TIER otherwise."""
    if tier is None or pd.isna(tier):
        return UNKNOWN_TIER
    return f"GCI 2024 tier {tier_cell(tier)}"


def tier_cell(tier: object) -> str:
    """'4 (evolving)' for a known tier, 'unknown' otherwise (a table cell)."""
    if tier is None or pd.isna(tier):
        return "unknown"
    return f"{int(tier)} ({TIER_NAMES.get(int(tier), '?')})"


def high_need(table: pd.DataFrame, level: str) -> pd.Series:
    """True where a row of `need_table` has high need at `level` (a NEED_LEVELS id): a
    known GCI tier in the level's tiers and not high income. Every row for "any"."""
    tiers = NEED_LEVELS[level]
    if tiers is None:
        return pd.Series(True, index=table.index)
    known = table["gci_tier"].isin(list(tiers)).fillna(False).astype(bool)
    return known & (table["income"] != "wb_high")


def context_words(row: pd.Series | dict, income: bool = True) -> list[str]:
    """The need context of a country in words: 'least developed', 'small island
    developing state' and (`income`) its income group."""
    words = []
    if row["ldc"]:
        words.append("least developed")
    if row["sids"]:
        words.append("small island developing state")
    if income and row["income"]:
        words.append(INCOME_GROUPS.get(row["income"], row["income"]))
    return words
