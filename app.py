"""cbdash: router and frame. Page config, the page list, sidebar filters, then the page."""

import streamlit as st

from cbdash import ui

st.set_page_config(
    page_title="cbdash: who maps cyber capacity building",
    page_icon=":material/public:",
    layout="wide",
)

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/coverage_map.py", title="Coverage map", icon=":material/map:"),
    st.Page("pages/topics.py", title="Topics", icon=":material/grid_on:"),
    st.Page("pages/overlap.py", title="Overlap", icon=":material/join_inner:"),
    st.Page("pages/explore.py", title="Explore & download", icon=":material/table:"),
    st.Page("pages/method.py", title="Data & method", icon=":material/info:"),
]

page = st.navigation(PAGES)
model = ui.get_model()
if not model.inventory.report.ok:
    st.sidebar.warning(
        f"{len(model.inventory.report.errors)} data problem(s): see Data & method.",
        icon=":material/warning:",
    )
ui.frame_filters(model)
page.run()
