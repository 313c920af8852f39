"""Gaps: countries few mappings or projects reach, and region x topic cells nobody covers."""

from __future__ import annotations

import pandas as pd


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
