"""Coverage map: which countries each mapping covers; where coverage is thin."""

import pandas as pd
import streamlit as st

from cbdash import coverage, figures, takeaways, ui
from cbdash.tables import mapping_table

MEASURES = {
    "mappings": "All mappings",
    "regional": "Regional & national mappings",
    "projects": "Projects",
}

model, filters = ui.page_context()
inv = model.inventory
mappings = model.filtered_mappings(filters)
projects = model.filtered_projects(filters)


def summarise() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Coverage rows of the mappings that pass, the country summary and the sentence."""
    cov = model.coverage[model.coverage["mapping_id"].isin(mappings["id"])]
    counts = model.project_counts(projects)
    summary = coverage.country_summary(cov, projects, model.countries, counts)
    return cov, summary, takeaways.where(summary, mappings, cov)


# Kept per filter state: a rerun with the same filters (a click, another viewer) reuses it.
cov, summary, sentence = model.memo(("map", filters), summarise)
st.title("Where do the mappings look?")
st.markdown(sentence)

left, right = st.columns([1, 2])
measure = left.radio(
    "Colour countries by",
    list(MEASURES),
    horizontal=True,
    key="map_measure",
    format_func=MEASURES.get,
)
chosen = right.multiselect(
    "Show the footprint of these mappings only",
    list(mappings["id"]),
    format_func=model.mapping_names.get,
    key="map_mappings",
    placeholder="All mappings that pass the filters",
)


def measured(measure: str, chosen: tuple[str, ...]) -> tuple[pd.Series, str]:
    """Countries' values for the chosen colouring, and what they count."""
    if measure == "mappings" and chosen:
        return coverage.mapping_footprint(cov, list(chosen)), "selected mappings covering"
    if measure == "regional":
        regional = mappings.loc[~coverage.is_global(mappings), "id"]
        values = coverage.coverage_counts(cov[cov["mapping_id"].isin(regional)], summary["iso3"])
        return values, "regional or national mappings covering"
    label = "mappings covering" if measure == "mappings" else "projects naming it"
    return summary.set_index("iso3")[measure], label


def drawn(measure: str, chosen: tuple[str, ...], selected: str | None):
    """The map, its legend and what the colours count."""
    values, label = measured(measure, chosen)
    vmax = int(values.max()) if len(values) else 0
    deck = figures.world_coverage_map(model.shapes, model.points, values, label, selected)
    return deck, figures.map_legend(vmax, label), label


selected = st.session_state.get("map_country")
view = (measure, tuple(chosen), selected)
deck, legend, label = model.memo(("map_view", filters, *view), lambda: drawn(*view))
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
countries = model.countries
names = model.derived(
    "country_names", lambda: dict(zip(countries["iso3"], countries["name"], strict=True))
)
click = clicked[0].get("iso3") if clicked else None
if click in names and click != st.session_state.get("map_last_click"):
    st.session_state["map_country"] = click  # a new click wins; the list can still override
st.session_state["map_last_click"] = click
iso3 = st.selectbox(
    "Country",
    list(names),
    format_func=names.get,
    key="map_country",
    index=None,
    placeholder="Click the map or pick a country",
)
ui.download_csv(summary, "coverage by country", "dl_country_summary")


def panel(iso3: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The mappings covering a country (readable columns), the projects naming it as a
    beneficiary (all readable columns, and those shown)."""
    here = coverage.country_mappings(cov, mappings, iso3)
    # coverage.country_projects, keeping the rows' labels to pick their readable rows
    named = [iso3 in cs for cs in projects["beneficiary_countries"].to_numpy(dtype=object)]
    there = model.project_rows.loc[projects.index[named]].reset_index(drop=True)
    shown_here = mapping_table(here, model.labels)[["name", "kind", "scope", "topics"]]
    return shown_here, there, there[["title", "topics", "funders", "start", "end", "listed in"]]


if iso3:
    st.subheader(names[iso3])
    # Kept per filter state and country: a rerun with the panel open (a click elsewhere on
    # the page) does not scan every project again.
    here, there, shown_there = model.memo(("map_panel", filters, iso3), lambda: panel(iso3))
    a, b = st.columns(2)
    a.metric("Mappings covering it", len(here))
    b.metric("Projects naming it", len(there))
    ui.table(here, "panel_mappings", what="mappings")
    if there.empty:
        st.info("No listed project names this country as a beneficiary.")
    else:
        ui.table(shown_there, "panel_projects", what="projects")
        ui.download_csv(there, f"projects in {names[iso3]}", "dl_panel_projects")
