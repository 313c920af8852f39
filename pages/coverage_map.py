"""Coverage map: which countries each mapping covers; where coverage is thin.

The country summary and sentence, the map with its legend and a country's panel are
computed by `cbdash.present.views` and kept per filter state and choice.
"""

import streamlit as st

from cbdash import ui
from cbdash.present.views import coverage_map as coverage_map_view

model, filters = ui.page_context("coverage_map")
mappings = model.filtered_mappings(filters)

# Kept per filter state: a rerun with the same filters (a click, another viewer) reuses it.
_, summary, sentence = coverage_map_view.map_summary(model, filters)
st.title("Where do the mappings look?")
st.markdown(sentence)

left, right = st.columns([1, 2])
measure = ui.choice("measure", model, "radio", left, horizontal=True)
chosen = ui.choice(
    "footprint",
    model,
    "multiselect",
    right,
    options=list(mappings["id"]),
    placeholder="All mappings that pass the filters",
)

selected = st.session_state.get("country")
deck, legend, label = coverage_map_view.map_view(model, filters, measure, chosen, selected)
event = st.pydeck_chart(
    deck, on_select="rerun", selection_mode="single-object", key="world_map", height=520
)
st.html(legend)
ui.caption(
    f"Countries coloured by {label}; small states drawn as circles. Coverage is derived "
    "from each mapping's stated scope (a global mapping covers every UN member state).",
    filters,
    model,
)

clicked = (
    [o for objs in (event.selection.get("objects") or {}).values() for o in objs]
    if (event and event.selection)
    else []
)
names = coverage_map_view.map_country_names(model)
click = clicked[0].get("iso3") if clicked else None
if click in names and click != st.session_state.get("map_last_click"):
    ui.set_choice("country", click)  # a new click wins; the list can still override
st.session_state["map_last_click"] = click
iso3 = ui.choice("country", model, "select", placeholder="Click the map or pick a country")
ui.download_csv(summary, "coverage by country", "dl_country_summary")

if iso3:
    st.subheader(names[iso3])
    # Kept per filter state and country: a rerun with the panel open (a click elsewhere on
    # the page) does not scan every project again.
    here, there, shown_there = coverage_map_view.map_panel(model, filters, iso3)
    a, b = st.columns(2)
    a.metric("Mappings covering it", len(here))
    b.metric("Projects naming it", len(there))
    ui.table(here, "panel_mappings", what="mappings")
    if there.empty:
        st.info("No listed project names this country as a beneficiary.")
    else:
        ui.table(shown_there, "panel_projects", what="projects")
        ui.download_csv(there, f"projects in {names[iso3]}", "dl_panel_projects")
