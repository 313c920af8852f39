"""Gaps: countries and regions x topics that few mappings cover and no project reaches,
read against UN LDC and SIDS status and World Bank income groups.

Every answer is kept in `Model.memo` per filter state and question, so a rerun that asks
the same question (or only opens the report) computes nothing again; the summary by region
depends only on the filters and the mapping limit, the projects per region x topic only on
the filters.
"""

from datetime import date

import numpy as np
import streamlit as st

from cbdash import figures, gaps, recommendations, story, takeaways, ui
from cbdash.export import file_name
from cbdash.recommendations import escape_markdown

model, filters = ui.page_context()
inv = model.inventory
mappings = model.filtered_mappings(filters)
projects = model.filtered_projects(filters)
topic_labels = model.labels["topics"]
topics = [t for t in inv.vocabulary("topics")["id"] if t != "other"]


def members(group: str) -> set[str]:
    """The ISO3 codes of a group's members (kept per group; read-only)."""
    return model.memo(("gap_members", group), lambda: gaps.group_members(inv.country_groups, group))


context = model.derived(
    "gap_context", lambda: gaps.context_groups(inv.groups, inv.country_groups).set_index("group_id")
)
groups = {"un_members": "UN member states", **context["name"], "all": "All countries"}
if not members("un_members"):
    del groups["un_members"]

st.title("Where are the gaps?")
c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
q = gaps.GapQuestion(
    group=c1.selectbox(
        "Countries",
        list(groups),
        key="gap_group",
        format_func=lambda g: (
            groups[g]
            + ("" if g not in context.index or context.loc[g, "present"] else " (not in the data)")
        ),
    ),
    topic=c2.selectbox(
        "Projects on",
        [None, *topics],
        key="gap_topic",
        format_func=lambda t: "any topic" if t is None else topic_labels.get(t, t),
    ),
    max_mappings=c3.number_input("At most … mappings", 0, 500, 2, key="gap_max_mappings"),
    max_projects=c4.number_input("and at most … projects", 0, 500, 0, key="gap_max_projects"),
    regional_only=st.toggle(
        "Count only regional and country-specific mappings (leave out the mappings whose "
        "scope is every UN member state: they cover every country alike)",
        value=True,
        key="gap_regional",
    ),
)
if q.group in context.index and not context.loc[q.group, "present"]:
    ui.empty_state(
        f"{groups[q.group]} is not in the shipped data (groups.csv and country_groups.csv), "
        "so there is no list to read the gaps against."
    )
condition = takeaways.gap_condition(
    q.max_mappings, q.max_projects, topic_labels.get(q.topic or ""), q.regional_only
)


def countries_view():
    """The gap countries, their sentence and the chart per region (None if no country)."""
    table = gaps.answer(
        q,
        mappings,
        projects,
        model.coverage,
        model.countries,
        model.country_regions,
        inv.country_groups,
        project_counts=model.project_counts,
    )
    noun = {"un_members": "UN member states", **gaps.CONTEXT_NOUNS}.get(q.group)
    sentence = escape_markdown(
        takeaways.gap_countries(table, condition, group_noun=noun, group_size=len(members(q.group)))
    )
    chart = None
    if not table.empty:
        per_region = table["region"].replace("", "(no UN region)").value_counts()
        chart = figures.bar_chart(per_region, title="Gap countries per region", x_title="countries")
    return table, sentence, chart


table, sentence, chart = model.memo(("gap_countries", filters, q), countries_view)
st.markdown(sentence)
if chart is None:
    ui.empty_state("No country meets these conditions. Raise the limits or pick another group.")
else:
    ui.chart(
        chart,
        key="gap_regions",
        config=story.png_config("gap_countries_per_region"),
    )
    ui.caption(f"Countries {condition}, per UN region.", filters, model)
    ui.table(table, "gap_table", max_rows=len(table))  # every row, as Arrow made once
ui.download_csv(table, "gap countries", "dl_gaps")
with st.expander("Context groups and their sources"):
    sources = model.derived(
        "gap_context_sources", lambda: context[["name", "countries", "as_of", "source_url"]]
    )
    ui.table(
        sources,
        "gap_context",
        max_rows=len(sources),
        column_config={"source_url": st.column_config.LinkColumn("source")},
    )

st.subheader("Regions × topics with few mappings and projects")
regions = sorted(set(model.country_regions["region"]))


def projects_by_region_topic():
    """Projects per region x topic for the projects that pass the filters, from boolean
    matrices built once per model (`gaps.region_topic_project_matrix`, the same frame)."""
    reach = model.derived(
        "gap_project_reach", lambda: gaps.ProjectReach.build(model.project_regions, inv.projects)
    )
    chosen = np.zeros(len(inv.projects), dtype=bool)
    chosen[inv.projects.index.get_indexer(projects.index)] = True
    return reach.region_topic(chosen, topics)


def region_topic_view():
    """The heatmap of projects per region x topic (None without regions) and the gap cells
    with topic labels."""
    matrix, cells = gaps.region_topic_answer(
        q,
        mappings,
        projects,
        model.coverage,
        model.mapping_regions,
        model.project_regions,
        regions,
        topics,
        by_projects=model.memo(("gap_region_topic_projects", filters), projects_by_region_topic),
    )
    heatmap = None
    if regions:
        heatmap = figures.annotated_heatmap(
            matrix,
            title="Listed projects per region and topic",
            x_title="topic",
            y_title="region",
            x_labels=topic_labels,
        )
    return heatmap, cells.assign(topic=cells["topic"].map(lambda t: topic_labels.get(t, t)))


heatmap, cells = model.memo(("gap_region_topic", filters, q), region_topic_view)
if heatmap is not None:
    ui.chart(heatmap, "gap_heatmap", config=story.png_config("projects_region_topic"))
    ui.caption(
        "Projects reaching a region (a named beneficiary country or region) on a topic; "
        f"0 = none. Below, the cells also {condition.replace('named by', 'with')}.",
        filters,
        model,
    )
ui.table(cells, "gap_cells", max_rows=max(len(cells), 1))
ui.download_csv(cells, "region topic gaps", "dl_gap_cells")

st.subheader("Summary for the forum's report")


def report(today: date):
    """The summary by region, and its Markdown (as text without its top heading, and as
    the bytes of the download)."""
    summary = recommendations.by_region(model, mappings, projects, max_mappings=q.max_mappings)
    md = recommendations.to_markdown(
        summary, max_mappings=q.max_mappings, filters_text=filters.describe(model.labels), on=today
    )
    return summary, md.split("\n", 1)[1], md.encode("utf-8")


today = date.today()
summary, body, md_bytes = model.memo(
    ("gap_report", filters, q.max_mappings, today), lambda: report(today)
)
with st.expander("Main overlaps and gaps by region"):
    st.markdown(body)  # without its own top heading
a, b = st.columns(2)
a.download_button(
    "Download Markdown: overlaps and gaps by region",
    md_bytes,
    file_name=file_name("overlaps and gaps by region").replace(".csv", ".md"),
    mime="text/markdown",
    key="dl_reco_md",
    on_click="ignore",
    icon=":material/description:",
)
with b:
    ui.download_csv(summary, "overlaps and gaps by region", "dl_reco_csv")
