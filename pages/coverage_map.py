"""Coverage map: which countries each mapping covers; where coverage is thin.

The map is coloured by regional and national mappings by default (global mappings cover
every country alike: the sentence names them). A click on a country, the country list or a
link (`?country=TON`) opens the country's panel as a dialog over the map; the chosen country
stays outlined. Everything shown is computed by `cbdash.present.views.coverage_map`.
"""

import streamlit as st

from cbdash import ui
from cbdash.present.views import coverage_map as coverage_map_view
from cbdash.present.world_map import MAP_HEIGHT

model, filters = ui.page_context("coverage_map")
mappings = model.filtered_mappings(filters)
names = coverage_map_view.map_country_names(model)

st.title("Where do the mappings look?")
sentence_slot = st.empty()  # the sentence speaks of the colouring chosen below
# One row of choices (select boxes, not radio buttons), so that sentence, map and legend
# fit the first screen of a 1280x720 window.
left, middle, right = st.columns([1.2, 1.6, 1.3])
measure = ui.choice("measure", model, "select", left)
footprint_on = coverage_map_view.footprint_applies(measure)
chosen = ui.choice(
    "footprint",
    model,
    "multiselect",
    middle,
    options=list(mappings["id"]),
    placeholder=(
        "All mappings that pass the filters"
        if footprint_on
        else "Not with projects: colour by mappings to pick"
    ),
    disabled=not footprint_on,
    help=coverage_map_view.FOOTPRINT_HELP,
)
iso3 = ui.choice("country", model, "select", right, placeholder="Click the map or pick one")
if iso3:
    right.button(
        f"Show {names[iso3]}",
        key="show_country",
        on_click=ui.open_again,
        args=("country",),
        icon=":material/open_in_new:",
        type="tertiary",
    )

answer = coverage_map_view.map_answer(model, filters, measure, chosen)
sentence_slot.markdown(answer.sentence)
deck, legend, label = coverage_map_view.map_view(model, filters, measure, chosen, iso3)
ui.clickable_map(deck, "world_map", "country", names, height=MAP_HEIGHT)
st.html(legend)
ui.caption(
    f"Countries coloured by {label}; small states drawn as circles; the chosen country "
    "outlined in orange. Coverage as stated by a source or derived from a mapping's scope "
    "(a global mapping covers every UN member state); hover a country to see which. The "
    "sentence counts the UN member states; observers and territories are coloured too."
    + ("" if footprint_on or not chosen else " The footprint chosen applies to mappings only."),
    filters,
    model,
)
ui.download_csv(
    coverage_map_view.summary_download(model, filters), "coverage by country", "dl_country_summary"
)


def country_panel() -> None:
    """The chosen country's mappings and projects (drawn inside the dialog)."""
    panel = coverage_map_view.map_panel(model, filters, iso3)
    st.markdown(panel.sentence)
    a, b = st.columns(2)
    a.metric("Mappings covering it", len(panel.mappings))
    b.metric("Projects naming it", len(panel.projects))
    st.subheader(f"Mappings covering {names[iso3]}", divider="gray")
    ui.table(panel.mappings, "panel_mappings", what="mappings")
    st.subheader(f"Projects of the inventory naming {names[iso3]}", divider="gray")
    if panel.projects.empty:
        st.info("No project of the inventory names this country as a beneficiary.")
    else:
        ui.table(panel.shown_projects, "panel_projects", what="projects")
        ui.download_csv(panel.projects, f"projects in {names[iso3]}", "dl_panel_projects")


if iso3 and ui.opened_once("country"):
    ui.dialog(names[iso3], country_panel)
