"""Gaps: countries and regions x topics that few mappings cover and no project reaches,
read against UN LDC and SIDS status and World Bank income groups."""

import streamlit as st

from cbdash import figures, gaps, recommendations, story, takeaways, ui
from cbdash.export import file_name
from cbdash.recommendations import escape_markdown

model, filters = ui.page_context()
inv = model.inventory
mappings = filters.apply_mappings(inv.mappings, model.mapping_regions)
projects = filters.apply_projects(inv.projects, model.project_regions)
topic_labels = model.labels["topics"]
topics = [t for t in inv.vocabulary("topics")["id"] if t != "other"]
context = gaps.context_groups(inv.groups, inv.country_groups).set_index("group_id")
groups = {"un_members": "UN member states", **context["name"], "all": "All countries"}
if not gaps.group_members(inv.country_groups, "un_members"):
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
table = gaps.answer(
    q,
    mappings,
    projects,
    model.coverage,
    model.countries,
    model.country_regions,
    inv.country_groups,
)
condition = takeaways.gap_condition(
    q.max_mappings, q.max_projects, topic_labels.get(q.topic or ""), q.regional_only
)
size = len(gaps.group_members(inv.country_groups, q.group))
noun = {"un_members": "UN member states", **gaps.CONTEXT_NOUNS}.get(q.group)
st.markdown(
    escape_markdown(takeaways.gap_countries(table, condition, group_noun=noun, group_size=size))
)
if table.empty:
    ui.empty_state("No country meets these conditions. Raise the limits or pick another group.")
else:
    per_region = table["region"].replace("", "(no UN region)").value_counts()
    st.plotly_chart(
        figures.bar_chart(per_region, title="Gap countries per region", x_title="countries"),
        key="gap_regions",
        config=story.png_config("gap_countries_per_region"),
    )
    ui.caption(f"Countries {condition}, per UN region.", filters, model)
    st.dataframe(table, hide_index=True, key="gap_table")
ui.download_csv(table, "gap countries", "dl_gaps")
with st.expander("Context groups and their sources"):
    st.dataframe(
        context[["name", "countries", "as_of", "source_url"]],
        hide_index=True,
        key="gap_context",
        column_config={"source_url": st.column_config.LinkColumn("source")},
    )

st.subheader("Regions × topics with few mappings and projects")
regions = sorted(set(model.country_regions["region"]))
matrix, cells = gaps.region_topic_answer(
    q,
    mappings,
    projects,
    model.coverage,
    model.mapping_regions,
    model.project_regions,
    regions,
    topics,
)
if regions:
    st.plotly_chart(
        figures.annotated_heatmap(
            matrix,
            title="Listed projects per region and topic",
            x_title="topic",
            y_title="region",
            x_labels=topic_labels,
        ),
        key="gap_heatmap",
        config=story.png_config("projects_region_topic"),
    )
    ui.caption(
        "Projects reaching a region (a named beneficiary country or region) on a topic; "
        f"0 = none. Below, the cells also {condition.replace('named by', 'with')}.",
        filters,
        model,
    )
cells["topic"] = cells["topic"].map(lambda t: topic_labels.get(t, t))
st.dataframe(cells, hide_index=True, key="gap_cells")
ui.download_csv(cells, "region topic gaps", "dl_gap_cells")

st.subheader("Summary for the forum's report")
summary = recommendations.by_region(model, mappings, projects, max_mappings=q.max_mappings)
md = recommendations.to_markdown(
    summary, max_mappings=q.max_mappings, filters_text=filters.describe(model.labels)
)
with st.expander("Main overlaps and gaps by region"):
    st.markdown(md.split("\n", 1)[1])  # without its own top heading
a, b = st.columns(2)
a.download_button(
    "Download Markdown: overlaps and gaps by region",
    md.encode("utf-8"),
    file_name=file_name("overlaps and gaps by region").replace(".csv", ".md"),
    mime="text/markdown",
    key="dl_reco_md",
    on_click="ignore",
    icon=":material/description:",
)
with b:
    ui.download_csv(summary, "overlaps and gaps by region", "dl_reco_csv")
