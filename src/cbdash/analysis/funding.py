"""Who funds what, where: flows from funders (or implementers) to beneficiary regions.

A flow counts projects, not money: budgets are mostly unknown and written in mixed
currencies. A project with several funders and regions adds one to each pair.
"""

from __future__ import annotations

import pandas as pd

from cbdash.analysis.membership import explode

OTHER = "Other funders"


def flows(
    projects: pd.DataFrame, project_regions: pd.DataFrame, by: str = "funders", top: int = 12
) -> pd.DataFrame:
    """Long table (source, region, projects): the `top` busiest funders/implementers by name,
    the rest grouped as "Other funders"; projects with no known region are left out."""
    actors = explode(projects, "project_id", by, "source")
    table = actors.merge(project_regions[["project_id", "region"]], on="project_id")
    if table.empty:
        return pd.DataFrame(columns=["source", "region", "projects"])
    busiest = table.groupby("source")["project_id"].nunique().sort_values(ascending=False)
    keep = set(busiest.index[:top])
    table["source"] = table["source"].where(table["source"].isin(keep), OTHER)
    out = table.groupby(["source", "region"])["project_id"].nunique().rename("projects")
    return out.reset_index().sort_values(
        ["projects", "source"], ascending=[False, True], ignore_index=True
    )
