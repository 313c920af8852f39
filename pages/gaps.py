"""Gaps: countries and regions x topics that few mappings cover and no project reaches,
read against UN LDC and SIDS status and World Bank income groups.

One question (a group of countries, a topic, limits) and one answer shown at a time: the
countries, the regions x topics, or the summary by region for the forum's report. Each
answer is computed by `cbdash.present.views` and kept per filter state and question.
"""

from datetime import date

import streamlit as st

from cbdash import ui
from cbdash.analysis import gaps
from cbdash.present.export import file_name
from cbdash.present.views import gaps as gaps_view

model, filters = ui.page_context("gaps")
topic_labels = model.labels["topics"]
context = gaps_view.gap_context(model)
groups = gaps_view.gap_groups(model)

st.title("Where are the gaps?")
c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
q = gaps.GapQuestion(
    group=ui.choice("group", model, "select", c1),
    topic=ui.choice("topic", model, "select", c2, placeholder="any topic"),
    max_mappings=ui.choice("max_mappings", model, "number", c3),
    max_projects=ui.choice("max_projects", model, "number", c4),
    regional_only=ui.choice("regional_only", model, "toggle") == "yes",
)
if q.group in context.index and not context.loc[q.group, "present"]:
    ui.empty_state(
        f"{groups[q.group]} is not in the shipped data (groups.csv and country_groups.csv), "
        "so there is no list to read the gaps against."
    )
condition = gaps_view.gap_condition(q, topic_labels)

# One answer at a time (not tabs): only the chosen one is built, sent and drawn.
view = ui.choice("gaps_view", model, "segmented")

if view == "countries":
    answer = gaps_view.gap_countries(model, filters, q)
    st.markdown(answer.sentence)
    if answer.table.empty:
        ui.empty_state("No country meets these conditions. Raise the limits or pick another group.")
    else:
        # A table with bars rather than a plotly chart: this answer then loads no plotly.js
        # (4.7 MB of JavaScript to compile in each new browser).
        st.markdown("**Gap countries per UN region**")
        ui.table(
            answer.per_region,
            "gap_regions",
            max_rows=len(answer.per_region),
            column_config={
                "countries": st.column_config.ProgressColumn(
                    "countries",
                    format="%d",
                    min_value=0,
                    max_value=int(answer.per_region["countries"].max()),
                )
            },
        )
        ui.caption(f"Countries {condition}, per UN region.", filters, model)
        ui.table(answer.table, "gap_table", max_rows=len(answer.table))
    ui.download_csv(answer.table, "gap countries", "dl_gaps")
    with st.expander("Context groups and their sources"):
        st.markdown(gaps_view.gap_context_sources(model))

elif view == "regions":
    heatmap, cells = gaps_view.gap_region_topics(model, filters, q)
    if heatmap is not None:
        ui.chart(heatmap, "gap_heatmap", png_name="projects_region_topic")
        ui.caption(
            "Projects reaching a region (a named beneficiary country or region) on a topic; "
            f"0 = none. Below, the cells also {condition.replace('named by', 'with')}.",
            filters,
            model,
        )
    ui.table(cells, "gap_cells", max_rows=max(len(cells), 1))
    ui.download_csv(cells, "region topic gaps", "dl_gap_cells")

else:
    report = gaps_view.gap_report(model, filters, q.max_mappings, date.today())
    st.markdown(report.body)  # without its own top heading
    a, b = st.columns(2)
    a.download_button(
        "Download Markdown: overlaps and gaps by region",
        report.markdown,
        file_name=file_name("overlaps and gaps by region").replace(".csv", ".md"),
        mime="text/markdown",
        key="dl_reco_md",
        on_click="ignore",
        icon=":material/description:",
    )
    with b:
        ui.download_csv(report.summary, "overlaps and gaps by region", "dl_reco_csv")
