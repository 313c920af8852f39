"""Gaps: countries few mappings or projects reach, and region x topic cells nobody covers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cbdash.analysis.coverage import country_summary
from cbdash.analysis.membership import order_by_totals
from cbdash.analysis.topics import region_topic_matrix


def country_gaps(
    summary: pd.DataFrame, max_mappings: int = 2, max_projects: int | None = None
) -> pd.DataFrame:
    """Countries covered by at most `max_mappings` mappings (and at most `max_projects`
    projects, when given), ranked: fewest mappings first, then fewest projects, then name.

    `summary` is `coverage.country_summary` output (iso3, name, mappings, projects, ...).
    """
    mask = summary["mappings"] <= max_mappings
    if max_projects is not None:
        mask &= summary["projects"] <= max_projects
    table = summary[mask]
    return table.sort_values(["mappings", "projects", "name"]).reset_index(drop=True)


def empty_cells(matrix: pd.DataFrame, at_most: int = 0) -> pd.DataFrame:
    """Cells of a count matrix (e.g. region x topic) with at most `at_most`, as rows."""
    long = matrix.stack().rename("count").reset_index()
    long.columns = ["row", "column", "count"]
    return (
        long[long["count"] <= at_most]
        .sort_values(["count", "row", "column"])
        .reset_index(drop=True)
    )


def topic_gap_countries(
    summary: pd.DataFrame,
    projects: pd.DataFrame,
    topic: str,
    max_mappings: int,
    status_iso3: set[str] | None = None,
) -> pd.DataFrame:
    """Countries with at most `max_mappings` mappings and no listed project on `topic`.

    `status_iso3` restricts to a group (e.g. least developed countries) when given.
    """
    on_topic = projects[projects["topics"].map(lambda ts: topic in ts)]
    reached = {c for cs in on_topic["beneficiary_countries"] for c in cs}
    table = summary[(summary["mappings"] <= max_mappings) & ~summary["iso3"].isin(reached)]
    if status_iso3 is not None:
        table = table[table["iso3"].isin(status_iso3)]
    return table.sort_values(["mappings", "projects", "name"]).reset_index(drop=True)


# Context groups the forum reads gaps against: UN status and World Bank income group.
CONTEXT_GROUPS = {
    "ldc": "Least developed countries (UN)",
    "sids": "Small island developing states (UN)",
    "wb_low": "Low income (World Bank)",
    "wb_lower_middle": "Lower-middle income (World Bank)",
    "wb_upper_middle": "Upper-middle income (World Bank)",
    "wb_high": "High income (World Bank)",
}
# Plural nouns for sentences ("3 of 46 least developed countries are ...").
CONTEXT_NOUNS = {
    "ldc": "least developed countries",
    "sids": "small island developing states",
    "wb_low": "low-income countries",
    "wb_lower_middle": "lower-middle-income countries",
    "wb_upper_middle": "upper-middle-income countries",
    "wb_high": "high-income countries",
}
# A mapping whose scope includes one of these groups is global: it covers every country.
GLOBAL_GROUPS = ("un_members",)


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
    """Coverage rows of the regional and country-specific mappings only.

    Counted with global mappings, every UN member state is covered by dozens of mappings
    and no gap shows; counted without, the regional attention each country gets does.
    """
    return coverage[~coverage["mapping_id"].isin(global_mapping_ids(mappings, global_groups))]


def context_groups(
    groups: pd.DataFrame,
    country_groups: pd.DataFrame,
    wanted: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The context groups (LDC, SIDS, income groups) with name, source and member count.

    A group missing from the data stays in the table with `present` False, so that a page
    can say so instead of failing.
    """
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


def group_members(country_groups: pd.DataFrame, group_id: str) -> set[str]:
    """ISO3 codes of the members of one group (empty when the group is absent)."""
    return set(country_groups.loc[country_groups["group_id"] == group_id, "iso3"])


def projects_on(projects: pd.DataFrame, topic: str | None) -> pd.DataFrame:
    """Projects that address `topic` (all projects when `topic` is None)."""
    if topic is None:
        return projects
    return projects[projects["topics"].map(lambda ts: topic in (ts or ()))]


def gap_table(
    summary: pd.DataFrame,
    country_regions: pd.DataFrame,
    country_groups: pd.DataFrame,
    *,
    max_mappings: int,
    max_projects: int,
    members: set[str] | None = None,
    context: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Ranked gap countries: at most `max_mappings` mappings and `max_projects` projects,
    within `members` when given; with region and context groups (e.g. "LDC; SIDS")."""
    table = country_gaps(summary, max_mappings, max_projects)
    if members is not None:
        table = table[table["iso3"].isin(members)]
    context = context if context is not None else CONTEXT_GROUPS
    region = country_regions.drop_duplicates("iso3").set_index("iso3")["region"]
    ctx = country_groups[country_groups["group_id"].isin(context)]
    labels = ctx.assign(label=ctx["group_id"].map(context)).groupby("iso3")["label"]
    joined = labels.agg(lambda ls: "; ".join(sorted(ls)))
    out = pd.DataFrame(
        {
            "iso3": table["iso3"],
            "country": table["name"],
            "region": table["iso3"].map(region).fillna(""),
            "context": table["iso3"].map(joined).fillna(""),
            "mappings": table["mappings"],
            "projects": table["projects"],
        }
    )
    return out.reset_index(drop=True)


def region_topic_gaps(
    mapping_matrix: pd.DataFrame,
    project_matrix: pd.DataFrame,
    *,
    max_mappings: int,
    max_projects: int,
    regions: list[str] | None = None,
    topics: list[str] | None = None,
) -> pd.DataFrame:
    """Region x topic cells with at most `max_mappings` mappings and `max_projects`
    projects, as rows (region, topic, mappings, projects), fewest first.

    `regions` and `topics` add rows and columns missing from both matrices as zeros.
    """
    rows = list(dict.fromkeys([*(regions or []), *mapping_matrix.index, *project_matrix.index]))
    cols = list(dict.fromkeys([*(topics or []), *mapping_matrix.columns, *project_matrix.columns]))
    m = mapping_matrix.reindex(index=rows, columns=cols, fill_value=0).fillna(0)
    p = project_matrix.reindex(index=rows, columns=cols, fill_value=0).fillna(0)
    long = pd.DataFrame(
        {
            "region": [r for r in rows for _ in cols],
            "topic": [c for _ in rows for c in cols],
            "mappings": m.to_numpy().ravel().astype(int),
            "projects": p.to_numpy().ravel().astype(int),
        }
    )
    long = long[(long["mappings"] <= max_mappings) & (long["projects"] <= max_projects)]
    long = long.assign(total=long["mappings"] + long["projects"])
    long = long.sort_values(["total", "projects", "mappings", "region", "topic"])
    return long.drop(columns="total").reset_index(drop=True)


@dataclass(frozen=True)
class GapQuestion:
    """The gaps page's question, e.g. least developed countries (`group="ldc"`) covered by
    at most 2 mappings and no listed cybercrime project (`topic="cybercrime"`)."""

    group: str = "un_members"  # a group id, or "all" for every known country
    topic: str | None = None
    max_mappings: int = 2
    max_projects: int = 0
    regional_only: bool = True


def question_coverage(
    q: GapQuestion, coverage: pd.DataFrame, mappings: pd.DataFrame
) -> pd.DataFrame:
    """The coverage rows the question counts: the mappings given, regional ones only if asked."""
    cov = coverage[coverage["mapping_id"].isin(mappings["id"])]
    return without_global(cov, mappings) if q.regional_only else cov


def answer(
    q: GapQuestion,
    mappings: pd.DataFrame,
    projects: pd.DataFrame,
    coverage: pd.DataFrame,
    countries: pd.DataFrame,
    country_regions: pd.DataFrame,
    country_groups: pd.DataFrame,
    *,
    project_counts: Callable[[pd.DataFrame], pd.Series] | None = None,
) -> pd.DataFrame:
    """The ranked gap countries for a question (empty when its group is not in the data).

    `project_counts`, when given, counts the projects naming each country as
    `coverage.project_counts` does (e.g. `Model.project_counts`, from precomputed codes)."""
    cov = question_coverage(q, coverage, mappings)
    chosen = projects_on(projects, q.topic)
    per_country = project_counts(chosen) if project_counts is not None else None
    summary = country_summary(cov, chosen, countries, per_country)
    members = None if q.group == "all" else group_members(country_groups, q.group)
    return gap_table(
        summary,
        country_regions,
        country_groups,
        max_mappings=q.max_mappings,
        max_projects=q.max_projects,
        members=members,
    )


def region_topic_project_matrix(
    project_regions: pd.DataFrame, projects: pd.DataFrame, topics: list[str]
) -> pd.DataFrame:
    """Region x topic: projects reaching a region on a topic (the question's project side)."""
    return region_topic_matrix(project_regions, projects, "project_id", topics)


@dataclass(frozen=True)
class ProjectReach:
    """Every project's regions and topics as boolean matrices (projects x region names,
    projects x topics), row-aligned with the projects they were built from: built once,
    they give `region_topic_project_matrix` for any subset of those projects as one matrix
    product instead of exploding 100,000 topic lists again."""

    regions: pd.Index
    region_matrix: np.ndarray
    topics: pd.Index
    topic_matrix: np.ndarray

    @classmethod
    def build(cls, project_regions: pd.DataFrame, projects: pd.DataFrame) -> ProjectReach:
        ids = pd.Index(projects["project_id"].astype(str).to_numpy(dtype=object))
        rows = ids.get_indexer(project_regions["project_id"].astype(str).to_numpy(dtype=object))
        names = project_regions["region"].to_numpy(dtype=object)[rows >= 0]
        rows = rows[rows >= 0]
        codes, regions = pd.factorize(names)
        region_matrix = np.zeros((len(projects), len(regions)), dtype=bool)
        region_matrix[rows, codes] = True
        lists = projects["topics"].to_numpy(dtype=object)
        lengths = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
        topic_rows = np.repeat(np.arange(len(lists)), lengths)
        values = np.fromiter(
            (v if isinstance(v, str) else str(v) for items in lists for v in items),
            dtype=object,
            count=int(lengths.sum()),
        )
        topic_codes, topics = pd.factorize(values)
        topic_matrix = np.zeros((len(projects), len(topics)), dtype=bool)
        topic_matrix[topic_rows, topic_codes] = True
        return cls(
            pd.Index(regions, dtype=object),
            region_matrix,
            pd.Index(topics, dtype=object),
            topic_matrix,
        )

    def region_topic(self, chosen: np.ndarray, topics: list[str]) -> pd.DataFrame:
        """`region_topic_project_matrix(project_regions, projects[chosen], topics)`: the
        same frame (rows: regions of the chosen projects; ordered by totals)."""
        regions = self.region_matrix[chosen]
        present = regions.any(axis=0)
        found = self.topics.get_indexer(pd.Index(list(dict.fromkeys(topics)), dtype=object))
        columns = np.zeros((int(chosen.sum()), len(found)), dtype=np.float32)
        columns[:, found >= 0] = self.topic_matrix[chosen][:, found[found >= 0]]
        counts = regions[:, present].T.astype(np.float32) @ columns
        matrix = pd.DataFrame(
            counts.round().astype(np.int64),
            index=pd.Index(list(self.regions[present]), name="region"),
            columns=pd.Index(list(dict.fromkeys(topics)), name="topic"),
        )
        return order_by_totals(matrix)


def region_topic_answer(
    q: GapQuestion,
    mappings: pd.DataFrame,
    projects: pd.DataFrame,
    coverage: pd.DataFrame,
    mapping_regions: pd.DataFrame,
    project_regions: pd.DataFrame,
    regions: list[str],
    topics: list[str],
    *,
    by_projects: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(projects per region x topic, the gap cells) for a question; every region and topic
    appears, with zeros where nothing reaches it.

    `by_projects`, when given, is `region_topic_project_matrix(project_regions, projects,
    topics)` computed elsewhere (it does not depend on the question)."""
    ids = set(question_coverage(q, coverage, mappings)["mapping_id"])
    reach = mapping_regions[mapping_regions["mapping_id"].isin(ids)]
    reach = reach.rename(columns={"mapping_id": "id"})
    by_mappings = region_topic_matrix(reach, mappings, "id", topics)
    if by_projects is None:
        by_projects = region_topic_project_matrix(project_regions, projects, topics)
    cells = region_topic_gaps(
        by_mappings,
        by_projects,
        max_mappings=q.max_mappings,
        max_projects=q.max_projects,
        regions=regions,
        topics=topics,
    )
    matrix = by_projects.reindex(index=regions, columns=topics, fill_value=0)
    return matrix, cells
