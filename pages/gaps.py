"""Gaps: where support is thin against need.

One question (a group of countries, a topic, what counts as high need and as thin support)
and one answer shown at a time: need against support with the ranked countries, projects
per sub-region x topic, the gap map, or the summary by region for the forum's report. All
are read from one answer computed by `cbdash.present.views.gaps`, so they agree.
"""

from datetime import date

import streamlit as st

from cbdash import ui
from cbdash.analysis import gaps
from cbdash.present.export import file_name
from cbdash.present.views import gaps as gaps_view
from cbdash.present.world_map import MAP_HEIGHT

model, filters = ui.page_context("gaps")
groups = gaps_view.gap_groups(model)

st.title("Where are the gaps?")
c1, c2, c3, c4, c5 = st.columns([2.2, 1.6, 1.6, 1.5, 1.7], vertical_alignment="bottom")
q = gaps.GapQuestion(
    group=ui.choice("group", model, "select", c1),
    topic=ui.choice("topic", model, "select", c2, placeholder="any topic"),
    need=ui.choice("need", model, "select", c3),
    max_projects=ui.choice("max_projects", model, "number", c4),
    max_mappings=ui.choice("max_mappings", model, "number", c5),
)
if q.group not in groups:
    ui.empty_state(
        "This group of countries is not in the data (groups.csv and country_groups.csv), "
        "so there is no list to read the gaps against."
    )

# One answer at a time (not tabs): only the chosen one is built, sent and drawn.
view = ui.choice("gaps_view", model, "segmented")

if view == "countries":
    answer = gaps_view.gap_answer(model, filters, q)
    st.markdown(answer.sentence)
    grid, _ = gaps_view.need_grid(model, filters, q)
    if grid is not None:
        ui.chart(grid, "gap_grid", png_name="need_against_support")
        ui.caption(
            "Countries of the group by their ITU GCI 2024 tier (need) and the projects "
            "naming them (support); the colour counts the countries in a cell; bold = ranked "
            f"below (also at most {q.max_mappings} regional or national mappings); framed = "
            f"high need and thin support. {gaps_view.gci_known(model)}",
            filters,
            model,
        )
    st.subheader(f"High need, thin support: {len(answer.ranked)}", divider="gray")
    if answer.ranked.empty:
        ui.empty_state("No country meets these conditions. Raise the limits or pick another group.")
    else:
        ui.table(answer.ranked, "gap_ranked", max_rows=len(answer.ranked))
    ui.download_csv(answer.ranked, "gap countries ranked", "dl_gaps")
    if not answer.unknown.empty:
        st.subheader(f"Thin support, GCI tier unknown: {len(answer.unknown)}", divider="gray")
        st.caption("Not ranked: the inventory has no GCI 2024 tier for these countries.")
        ui.table(answer.unknown, "gap_unknown", max_rows=len(answer.unknown))
        ui.download_csv(answer.unknown, "gap countries tier unknown", "dl_gaps_unknown")
    with st.expander("Need data and their sources"):
        st.markdown(gaps_view.gap_context_sources(model))

elif view == "regions":
    answer = gaps_view.gap_region_topics(model, filters, q)
    st.markdown(answer.sentence)
    if answer.heatmap is not None:
        ui.chart(answer.heatmap, "gap_heatmap", png_name="projects_subregion_topic")
        ui.caption(
            "Projects of the inventory reaching a country of the group (named as a "
            "beneficiary, or in a region the project names) per UN M49 sub-region and topic; "
            "0 = none.",
            filters,
            model,
        )
    ui.table(answer.cells, "gap_cells", max_rows=max(len(answer.cells), 1))
    ui.download_csv(answer.cells, "sub-region topic gaps", "dl_gap_cells")

elif view == "map":
    answer = gaps_view.gap_map(model, filters, q)
    st.markdown(answer.sentence)
    st.pydeck_chart(answer.deck, key="gap_map", height=MAP_HEIGHT)
    st.html(answer.legend)
    ui.caption(
        "The group's countries coloured by their support and need (as in Need against "
        "support); small states drawn as circles.",
        filters,
        model,
    )

else:
    report = gaps_view.gap_report(model, filters, q, date.today())
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
