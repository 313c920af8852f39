"""Projects & duplicates: which projects several mappings list, and who funds what where."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cbdash import figures, funding, takeaways, ui
from cbdash.projects import nearest_score

SECTIONS = ["Listed by several mappings", "Duplicate check", "Who funds what, where"]

model, filters = ui.page_context()
inv = model.inventory
projects = model.filtered_projects(filters)

st.title("Which projects appear in several mappings?")
# Sentences, tables and charts are kept per filter state (Model.memo).
st.markdown(model.memo(("projects_sentence", filters), lambda: takeaways.duplicates(projects)))
if projects.empty:
    ui.empty_state("No project matches the filters. Widen or reset them in the sidebar.")
    st.stop()


def listed_by_several(rows: pd.DataFrame) -> pd.DataFrame:
    """`listed_by_several(projects)`, from the readable rows' precomputed listing counts."""
    several = rows[rows["mappings listing it"] >= 2].sort_values(
        ["mappings listing it", "title"], ascending=[False, True]
    )
    columns = ["title", "aliases", "listed in", "mappings listing it", "funders", "start", "end"]
    return several[[*columns, "sources"]]


def duplicate_check() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The duplicate check's rows for the projects that pass, its groups of more than one
    row (the columns shown, and all), and the closest calls kept apart (nearest first)."""
    checked = ui.get_clusters().set_index("project_id").loc[projects["project_id"]]
    groups = checked[checked["cluster_size"] > 1].reset_index()
    near = (
        checked.assign(nearest=nearest_score(checked["evidence"]))
        .dropna(subset=["nearest"])
        .sort_values("nearest", ascending=False)
        .reset_index()
    )[["project_id", "nearest", "evidence", "overridden"]]
    return checked, groups[["cluster_id", "project_id", "score", "evidence"]], groups, near


def flows_of(by: str) -> tuple[pd.DataFrame, go.Figure | None]:
    """Projects from funders or implementers to regions, and their Sankey chart."""
    flows = funding.flows(projects, model.project_regions, by=by)
    if flows.empty:
        return flows, None
    return flows, figures.flow_sankey(flows, title=f"Projects from {by} to UN regions")


section = st.segmented_control("Show", SECTIONS, default=SECTIONS[0], key="projects_section")
if section == SECTIONS[0]:
    shown = model.memo(
        ("projects_several", filters),
        lambda: listed_by_several(model.project_rows.loc[projects.index]),
    )
    if shown.empty:
        ui.empty_state("No project that passes the filters is listed by two or more mappings.")
    else:
        ui.table(shown, "several_table", what="projects")
        ui.caption(
            f"{len(shown)} projects listed by two or more mappings, with the other "
            "names they go by (aliases).",
            filters,
            model,
        )
        ui.download_csv(shown, "projects listed by several mappings", "dl_several")
elif section == SECTIONS[1]:
    checked, group_rows, groups, near = model.memo(("projects_check", filters), duplicate_check)
    st.markdown(
        f"The duplicate check compared {len(checked)} project rows by names, aliases, "
        "funders, implementers, countries and years. "
        f"**{groups['cluster_id'].nunique()} groups** of rows look like one project."
    )
    if not groups.empty:
        ui.table(
            group_rows,
            "clusters_table",
            what="rows",
        )
        ui.download_csv(groups, "duplicate clusters", "dl_clusters")
    st.subheader("Closest calls kept apart")
    ui.table(near, "near_table", max_rows=50, what="closest calls")
    ui.caption(
        "Pairs that look alike but are kept apart, with the evidence (a phase "
        "conflict such as GLACY+ vs GLACY-e, different funders or years, or a "
        "maintainer override).",
        filters,
        model,
    )
    ui.download_csv(
        near,
        "duplicate check closest calls",
        "dl_near",
    )
else:
    by = st.radio("From", ["funders", "implementers"], horizontal=True, key="flow_by")
    flows, sankey = model.memo(("projects_flows", filters, by), lambda: flows_of(by))
    if sankey is None:
        ui.empty_state(f"No project with known {by} and region matches the filters.")
    else:
        ui.chart(sankey, "flows_chart")
        ui.caption(
            f"Width = number of projects (not money); the 12 busiest {by}, the rest "
            "grouped. Regions from named beneficiary countries or regions.",
            filters,
            model,
        )
        ui.download_csv(flows, f"projects by {by} and region", "dl_flows")
