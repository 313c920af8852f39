"""Gaps: where support is thin against need.

One question (`GapQuestion`: a group of countries, a topic, a level of need and what counts
as thin support) gets one answer (`answer`): a table of the group's countries with their need
(`cbdash.analysis.need`), their support and their status. Every view of the Gaps page, the
presentation's gaps step and the summary by region are read from that table, so they agree.

The judgement calls, stated once:
- The group is read among states (UN member and observer states; every known country when
  the data has no state groups): a territory on the DAC list has no GCI tier and no derived
  coverage, so it would always look like a gap.
- Support is the inventory's projects that name a country as a beneficiary (on the topic, when
  one is chosen) and the regional and national mappings that cover it. Global mappings
  cover every country alike and say nothing about where attention goes.
- Support is thin at or under both limits (`max_projects`, `max_mappings`).
- A thin-support country is ranked when its need is high (`need.high_need`); with an unknown
  GCI tier it is listed apart, never ranked as low or high need.
- Ranked: fewest projects first, then fewest mappings, higher tier, least developed, name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cbdash.analysis import need as need_

# Groups a gap question can be read against, with their names when the data has none.
CONTEXT_GROUPS = {
    "oda_recipients": "DAC List of ODA Recipients (OECD)",
    "ldc": "Least developed countries (UN)",
    "sids": "Small island developing states (UN)",
    "wb_low": "Low income (World Bank)",
    "wb_lower_middle": "Lower-middle income (World Bank)",
    "wb_upper_middle": "Upper-middle income (World Bank)",
    "wb_high": "High income (World Bank)",
}
# Plural nouns for sentences ("11 of 135 ODA-eligible states ...").
CONTEXT_NOUNS = {
    "oda_recipients": "ODA-eligible states",
    "ldc": "least developed countries",
    "sids": "small island developing states",
    "wb_low": "low-income states",
    "wb_lower_middle": "lower-middle-income states",
    "wb_upper_middle": "upper-middle-income states",
    "wb_high": "high-income states",
    "un_members": "UN member states",
    "all": "states",
}
# A mapping whose scope includes one of these groups is global: it covers every country.
GLOBAL_GROUPS = ("un_members",)

# A country's status in the answer, in the order a legend lists them.
RANKED = "ranked"
UNKNOWN = "unknown tier"
LOWER = "lower need"
HIGH_INCOME = "high income"
SUPPORTED = "more support"
STATUSES = (RANKED, UNKNOWN, LOWER, HIGH_INCOME, SUPPORTED)


@dataclass(frozen=True)
class GapQuestion:
    """The gaps page's question, e.g. small island developing states (`group="sids"`) with
    high need (GCI tier 4-5) and at most 0 cybercrime projects and 1 regional or
    national mapping."""

    group: str = "oda_recipients"  # a group id, or "all" for every state
    topic: str | None = None
    need: str = "gci45"  # a key of need.NEED_LEVELS
    max_projects: int = 2
    max_mappings: int = 1


def global_mapping_ids(
    mappings: pd.DataFrame, global_groups: tuple[str, ...] = GLOBAL_GROUPS
) -> set[str]:
    """Ids of the mappings whose scope includes a global group (e.g. all UN members)."""
    wanted = set(global_groups)
    mask = mappings["scope_groups"].map(lambda gs: bool(wanted.intersection(gs or ())))
    return set(mappings.loc[mask, "id"])


def without_global(
    coverage: pd.DataFrame,
    mappings: pd.DataFrame,
    global_groups: tuple[str, ...] = GLOBAL_GROUPS,
) -> pd.DataFrame:
    """Coverage rows of the regional and country-specific mappings among `mappings`."""
    regional = set(mappings["id"]) - global_mapping_ids(mappings, global_groups)
    return coverage[coverage["mapping_id"].isin(regional)]


def group_members(country_groups: pd.DataFrame, group_id: str) -> set[str]:
    """ISO3 codes of the members of one group (empty when the group is absent)."""
    return set(country_groups.loc[country_groups["group_id"] == group_id, "iso3"])


def population(need_table: pd.DataFrame, country_groups: pd.DataFrame, group: str) -> set[str]:
    """The states in `group` ("all": every state); every known country stands in for the
    states when the data has no state groups."""
    states = set(need_table.loc[need_table["state"], "iso3"]) or set(need_table["iso3"])
    return states if group == "all" else states & group_members(country_groups, group)


def projects_on(projects: pd.DataFrame, topic: str | None) -> pd.DataFrame:
    """Projects that address `topic` (all projects when `topic` is None)."""
    if topic is None:
        return projects
    return projects[projects["topics"].map(lambda ts: topic in (ts or ()))]


def context_groups(
    groups: pd.DataFrame,
    country_groups: pd.DataFrame,
    wanted: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The context groups (ODA, LDC, SIDS, income groups) with name, source and member
    count. A group missing from the data stays in the table with `present` False."""
    wanted = wanted if wanted is not None else CONTEXT_GROUPS
    members = country_groups.groupby("group_id")["iso3"].nunique()
    known = groups.set_index("group_id") if len(groups) else pd.DataFrame()
    rows = []
    for gid, default in wanted.items():
        present = gid in known.index
        row = known.loc[gid] if present else {}
        rows.append(
            {
                "group_id": gid,
                "name": str(row["name"]) if present else default,
                "countries": int(members.get(gid, 0)),
                "source_url": _text(row["source_url"]) if present else "",
                "as_of": _text(row["as_of"]) if present else "",
                "present": present and int(members.get(gid, 0)) > 0,
            }
        )
    return pd.DataFrame(rows)


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def support_table(
    need_table: pd.DataFrame,
    members: set[str],
    regional_counts: pd.Series,
    project_counts: pd.Series,
    regions: pd.Series,
    subregions: pd.Series,
) -> pd.DataFrame:
    """The rows of `need_table` in `members`, with `projects` (the inventory's projects naming the
    country), `mappings` (regional or national mappings covering it), `region` and
    `subregion` (from series indexed by iso3; "" when unknown)."""
    table = need_table[need_table["iso3"].isin(members)].copy()
    iso3 = table["iso3"]
    table["projects"] = iso3.map(project_counts).fillna(0).astype(int)
    table["mappings"] = iso3.map(regional_counts).fillna(0).astype(int)
    table["region"] = iso3.map(regions).fillna("").astype(str)
    table["subregion"] = iso3.map(subregions).fillna("").astype(str)
    return table.reset_index(drop=True)


def answer(q: GapQuestion, support: pd.DataFrame) -> pd.DataFrame:
    """`support` (see `support_table`) with the answer's columns: `thin` (support at or
    under both limits), `status` (one of STATUSES) and `rank` (1, 2, ... for the ranked
    countries, in the module's order; <NA> for the others); sorted by status, then rank."""
    table = support.copy()
    thin = (table["projects"] <= q.max_projects) & (table["mappings"] <= q.max_mappings)
    levels = need_.NEED_LEVELS[q.need]
    unknown = table["gci_tier"].isna().to_numpy()
    high_income = (table["income"] == "wb_high").to_numpy()
    high = need_.high_need(table, q.need).to_numpy()
    status = np.full(len(table), SUPPORTED, dtype=object)
    if levels is None:
        status[thin.to_numpy()] = RANKED
    else:
        rest = thin.to_numpy()
        for mask, name in ((high_income, HIGH_INCOME), (unknown, UNKNOWN), (high, RANKED)):
            status[rest & mask] = name
            rest = rest & ~mask
        status[rest] = LOWER
    table["thin"] = thin.to_numpy()
    table["status"] = status
    order = pd.Categorical(table["status"], categories=list(STATUSES), ordered=True)
    table = table.assign(
        _status=order,
        _tier=-table["gci_tier"].fillna(0).astype(int),
        _ldc=~table["ldc"],
    )
    table = table.sort_values(
        ["_status", "projects", "mappings", "_tier", "_ldc", "name"], kind="stable"
    ).drop(columns=["_status", "_tier", "_ldc"])
    ranked = (table["status"] == RANKED).to_numpy()
    rank = np.full(len(table), pd.NA, dtype=object)
    rank[ranked] = np.arange(1, int(ranked.sum()) + 1)
    table["rank"] = pd.array(rank.tolist(), dtype="Int64")
    return table.reset_index(drop=True)


def empty_cells(matrix: pd.DataFrame, at_most: int = 0) -> pd.DataFrame:
    """Cells of a count matrix (e.g. sub-region x topic) with at most `at_most`, as rows
    (row, column, count), fewest first, then in the matrix's order."""
    long = matrix.stack().rename("count").reset_index()
    long.columns = ["row", "column", "count"]
    long["_r"] = long["row"].map({r: i for i, r in enumerate(matrix.index)})
    long["_c"] = long["column"].map({c: i for i, c in enumerate(matrix.columns)})
    chosen = long[long["count"] <= at_most].sort_values(["count", "_r", "_c"])
    return chosen.drop(columns=["_r", "_c"]).reset_index(drop=True)


@dataclass(frozen=True)
class ProjectReach:
    """Which countries each project reaches (a named beneficiary country, or a country of a
    region it names through a reviewed alias) as code pairs (project row, country code), and
    each project's topics as a boolean matrix (projects x topics); rows follow the projects
    the reach was built from. Built once per data change, it counts projects per region x
    topic for any subset of projects and countries with a few array operations.

    A project that reaches every country of `everywhere` (e.g. one for "Global": every UN
    member state) is `global_rows`: like a global mapping it reaches every region alike, so
    the counts by region leave it out (the page names how many)."""

    countries: pd.Index
    rows: np.ndarray
    cols: np.ndarray
    topics: pd.Index
    topic_matrix: np.ndarray
    global_rows: np.ndarray

    @classmethod
    def build(
        cls, reach: pd.DataFrame, projects: pd.DataFrame, everywhere: set[str] | None = None
    ) -> ProjectReach:
        """From a long table (project_id, iso3) of the countries each project reaches."""
        ids = pd.Index(projects["project_id"].astype(str).to_numpy(dtype=object))
        rows = ids.get_indexer(reach["project_id"].astype(str).to_numpy(dtype=object))
        codes, countries = pd.factorize(reach["iso3"].to_numpy(dtype=object)[rows >= 0])
        pairs = np.unique(rows[rows >= 0].astype(np.int64) * max(len(countries), 1) + codes)
        rows, cols = np.divmod(pairs, max(len(countries), 1))
        wide = pd.Index(countries, dtype=object).isin(list(everywhere or ()))
        reached = np.bincount(rows[wide[cols]], minlength=len(projects)) if len(rows) else None
        global_rows = np.zeros(len(projects), dtype=bool)
        if everywhere and reached is not None:
            global_rows = reached >= len(everywhere)
        lists = projects["topics"].to_numpy(dtype=object)
        lengths = np.fromiter((len(v or ()) for v in lists), dtype=np.int64, count=len(lists))
        topic_rows = np.repeat(np.arange(len(lists)), lengths)
        values = np.fromiter(
            (str(v) for items in lists for v in (items or ())),
            dtype=object,
            count=int(lengths.sum()),
        )
        topic_codes, topics = pd.factorize(values)
        topic_matrix = np.zeros((len(projects), len(topics)), dtype=bool)
        topic_matrix[topic_rows, topic_codes] = True
        countries_index = pd.Index(countries, dtype=object)
        topics_index = pd.Index(topics, dtype=object)
        return cls(countries_index, rows, cols, topics_index, topic_matrix, global_rows)

    def region_pairs(
        self, chosen: np.ndarray, members: set[str], region_of: pd.Series, regions: list[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(project rows, region positions in `regions`): each chosen project that is not
        global once per region in which it reaches a country of `members` (`region_of`: iso3
        -> region name)."""
        position = {r: i for i, r in enumerate(regions)}
        names = region_of.reindex(self.countries).tolist()
        code = np.array(
            [
                position.get(r, -1) if c in members else -1
                for c, r in zip(self.countries, names, strict=True)
            ],
            dtype=np.int64,
        )
        keep = (chosen & ~self.global_rows)[self.rows] & (code[self.cols] >= 0)
        pairs = np.unique(self.rows[keep] * max(len(regions), 1) + code[self.cols[keep]])
        return np.divmod(pairs, max(len(regions), 1))

    def region_topic(
        self,
        chosen: np.ndarray,
        members: set[str],
        region_of: pd.Series,
        regions: list[str],
        topics: list[str],
    ) -> pd.DataFrame:
        """Projects among `chosen` reaching a country of `members` per region x topic: every
        region of `regions` and topic of `topics`, in their order, 0 where none."""
        rows, codes = self.region_pairs(chosen, members, region_of, regions)
        found = self.topics.get_indexer(pd.Index(topics, dtype=object))
        columns = np.zeros((len(rows), len(topics)), dtype=np.int64)
        columns[:, found >= 0] = self.topic_matrix[rows][:, found[found >= 0]]
        counts = np.zeros((len(regions), len(topics)), dtype=np.int64)
        np.add.at(counts, codes, columns)
        return pd.DataFrame(
            counts,
            index=pd.Index(regions, name="region"),
            columns=pd.Index(topics, name="topic"),
        )
