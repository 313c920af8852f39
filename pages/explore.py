"""Explore & download: every mapping and project, searchable, with sources.

The rows that match a search and the side-by-side comparison are computed by
`cbdash.present.views`; the rows are kept per filter state, search and columns.
"""

import streamlit as st

from cbdash import ui
from cbdash.present.tables import mapping_rows, project_rows
from cbdash.present.views import explore as explore_view

model, filters = ui.page_context("explore")
mappings = model.filtered_mappings(filters)
projects = model.filtered_projects(filters)

st.title("Explore & download")
st.markdown(
    f"{len(mappings)} mapping efforts and {len(projects)} projects pass the filters. "
    "Search, choose columns, and download exactly the rows that match."
)
links = {c: st.column_config.LinkColumn(c) for c in ("url",)}
columns_of = {"mappings": mapping_rows(model).columns, "projects": project_rows(model).columns}
total = {"mappings": len(mappings), "projects": len(projects)}


@st.fragment
def table_view(name: str, default_columns: list[str]) -> None:
    """Search box, column picker, table and download for one table ("mappings" or
    "projects"). A fragment: typing a search or picking columns reruns only this table, not
    the page and its sidebar. The rows shown are kept per filters, search and columns
    (Model.memo); with no column picked, all are shown."""
    text = ui.choice(f"search_{name}", model, "text", placeholder="any word")
    ui.sync_url("explore")  # a fragment rerun: keep the link in step with the search
    columns = st.multiselect(
        "Columns",
        list(columns_of[name]),
        default=default_columns,
        key=f"columns_{name}",
        **ui.PICKER,
    )
    shown = explore_view.explore_rows(model, filters, name, text, columns or columns_of[name])
    if shown.empty:
        ui.empty_state(f"No {name} match the search and filters.")
        return
    ui.table(shown, f"table_{name}", what=name, column_config=links)
    st.caption(
        f"{len(shown)} of {total[name]} {name}. Sources are the pages each fact was "
        f"taken from. {filters.describe(model.labels)}"
    )
    ui.download_csv(shown, name, f"dl_{name}")


view = ui.choice("explore_view", model, "segmented")
if view == "mappings":
    table_view(
        "mappings",
        [
            "name",
            "kind",
            "countries covered",
            "coverage basis",
            "topics",
            "target users",
            "counts as",
            "owners",
            "scope",
            "confidence",
            "url",
            "sources",
        ],
    )
elif view == "projects":
    table_view(
        "projects",
        [
            "title",
            "listed in",
            "topics",
            "beneficiary countries",
            "funders",
            "implementers",
            "start",
            "end",
            "sources",
        ],
    )
else:
    chosen = ui.choice(
        "compare", model, "multiselect", options=list(mappings["id"]), max_selections=3
    )
    if not chosen:
        st.info("Pick two or three mappings to see them side by side.")
    else:
        side = explore_view.explore_comparison(model, chosen)
        st.dataframe(side, key="compare_table", placeholder="unknown")
        ui.download_csv(side.reset_index(names="field"), "mapping comparison", "dl_compare")
