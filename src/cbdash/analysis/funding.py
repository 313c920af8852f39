"""Who funds what, where: flows from funders (or implementers) to beneficiary regions.

A flow counts projects, not money: budgets are mostly unknown and written in mixed
currencies. A project with several funders and regions adds one to each pair. Funders are
grouped by the reviewed alias table (data/funder_aliases.csv): "UK Government" and "FCDO"
count as "United Kingdom", with the names as written kept beside it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cbdash.analysis.membership import explode

OTHER = "Other funders"
FLOW_COLUMNS = ["source", "region", "projects", "as written"]


def alias_lookup(aliases: pd.DataFrame) -> dict[str, str]:
    """The alias table (columns alias, funder) as {alias, case-folded: funder}."""
    if aliases.empty:
        return {}
    return {
        str(a).strip().casefold(): str(f).strip()
        for a, f in zip(aliases["alias"], aliases["funder"], strict=True)
        if isinstance(a, str) and isinstance(f, str)
    }


def canonical(name: str, lookup: Mapping[str, str]) -> str:
    """The funder a name as written stands for (itself when the table does not know it)."""
    return lookup.get(name.strip().casefold(), name)


def flows(
    projects: pd.DataFrame,
    project_regions: pd.DataFrame,
    by: str = "funders",
    top: int = 12,
    aliases: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Long table (source, region, projects, as written): the `top` busiest funders or
    implementers (by distinct projects), the rest grouped as "Other funders"; with
    `aliases` (`alias_lookup`) the names are grouped first, and "as written" lists the
    names of the data each source stands for when they differ from it. Projects with no
    known region are left out."""
    actors = explode(projects, "project_id", by, "source")
    table = actors.merge(project_regions[["project_id", "region"]], on="project_id")
    if table.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    table["written"] = table["source"]
    if aliases:
        table["source"] = [canonical(s, aliases) for s in table["source"]]
    busiest = table.groupby("source")["project_id"].nunique()
    busiest = busiest.sort_values(ascending=False, kind="stable")
    keep = set(busiest.index[:top])
    table["source"] = table["source"].where(table["source"].isin(keep), OTHER)
    written = table[table["written"] != table["source"]].groupby("source")["written"]
    names = written.agg(lambda w: "; ".join(sorted(set(w))))
    out = table.groupby(["source", "region"])["project_id"].nunique().rename("projects")
    out = out.reset_index().sort_values(
        ["projects", "source"], ascending=[False, True], ignore_index=True
    )
    out["as written"] = out["source"].map(lambda s: "" if s == OTHER else names.get(s, ""))
    return out[FLOW_COLUMNS]
