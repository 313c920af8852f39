"""Projects across mappings: which projects several mappings list, and the duplicate check
run on the inventory's own rows, and another list checked against the inventory (see
`cbdash.dedupe` for the method)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cbdash import dedupe
from cbdash.data.lists import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

DEDUPE_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)


def flat(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects with list cells joined by ';' and years as text: the dedupe input format."""
    out = pd.DataFrame(index=projects.index)
    for col in DEDUPE_COLUMNS:
        values = projects[col]
        if col in {"start_year", "end_year"}:
            out[col] = values.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif col in {"project_id", "title"}:
            out[col] = values.astype(str)
        else:
            out[col] = values.map(lambda v: ";".join(v) if v else "")
    return out


def clusters(projects: pd.DataFrame, reviewed_path: Path | None) -> pd.DataFrame:
    """The duplicate check on the inventory: project_id, cluster_id, score, evidence,
    cluster_size, and overridden (True when a reviewed pair in `reviewed_path` decided)."""
    reviewed = dedupe.load_reviewed(reviewed_path) if reviewed_path is not None else []
    result = dedupe.cluster(flat(projects), reviewed)
    result["cluster_size"] = result.groupby("cluster_id")["project_id"].transform("size")
    result["overridden"] = result["evidence"].str.contains("reviewed", regex=False)
    return result


CHECK_COLUMNS = [
    "project_id",
    "title",
    "inventory_project",
    "inventory_title",
    "score",
    "same_as_rows",
    "evidence",
]


def check_list(new: pd.DataFrame, inventory: pd.DataFrame) -> pd.DataFrame:
    """Another mapping's project list (dedupe.parse_projects) against the inventory's
    projects (`flat` form): per row, the inventory project it is (inventory_project,
    inventory_title, score; empty when none), the other rows of the list that are the same
    project (same_as_rows, ";"-joined) and the evidence. The inventory's names count as
    knowledge (dedupe.cluster with `known`)."""
    grouped = dedupe.cluster(new, known=inventory).set_index("project_id")
    titles = inventory.set_index("project_id")["title"]
    members = grouped.reset_index().groupby("cluster_id")["project_id"].agg(list)
    rows = []
    for pid, title in zip(new["project_id"], new["title"], strict=True):
        known_id, score = grouped.loc[pid, ["known_project", "known_score"]]
        others = [m for m in members[grouped.loc[pid, "cluster_id"]] if m != pid]
        rows.append(
            (
                pid,
                title,
                known_id,
                titles.get(known_id, ""),
                score,
                ";".join(others),
                grouped.loc[pid, "evidence"],
            )
        )
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def nearest_score(evidence: pd.Series) -> pd.Series:
    """Score of the nearest rejected candidate in an 'alone; nearest X: 0.73; ...' text."""
    return pd.to_numeric(
        evidence.str.extract(r"alone; nearest [^:]+: ([0-9.]+)", expand=False), errors="coerce"
    )


def listed_by_several(projects: pd.DataFrame, at_least: int = 2) -> pd.DataFrame:
    """Projects that `at_least` mappings list, most-listed first."""
    counts = projects["listed_in"].map(len)
    chosen = projects[counts >= at_least].assign(listings=counts[counts >= at_least])
    return chosen.sort_values(["listings", "title"], ascending=[False, True])
