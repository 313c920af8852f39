"""cbdash: router and frame. Page config, the page list, sidebar filters, then the page."""

import logging

import streamlit as st

from cbdash import ui
from cbdash.present import story

# Presentation mode (`?present=1`): projector theme, no sidebar, the guided story.
PRESENT = story.is_present(st.query_params.get(story.PRESENT_PARAM))
st.set_page_config(
    page_title="cbdash: who maps cyber capacity building",
    page_icon=ui.ICON,  # a file shipped in the package: a :material: icon is fetched from the web
    layout="wide",
    initial_sidebar_state="collapsed" if PRESENT else "auto",
)
STORY = st.Page("pages/story.py", title="Presentation", icon=":material/slideshow:")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/coverage_map.py", title="Coverage map", icon=":material/map:"),
    st.Page("pages/topics.py", title="Topics", icon=":material/grid_on:"),
    st.Page("pages/overlap.py", title="Overlap", icon=":material/join_inner:"),
    st.Page("pages/projects.py", title="Projects & duplicates", icon=":material/content_copy:"),
    st.Page("pages/cooperation.py", title="Cooperation", icon=":material/hub:"),
    st.Page("pages/gaps.py", title="Gaps", icon=":material/travel_explore:"),
    st.Page("pages/explore.py", title="Explore & download", icon=":material/table:"),
    st.Page("pages/method.py", title="Data & method", icon=":material/info:"),
    STORY,
]

page = st.navigation(PAGES, position="hidden" if PRESENT else "sidebar")
if PRESENT and page.url_path != STORY.url_path:
    st.switch_page(STORY, query_params=st.query_params.to_dict())
model = ui.get_model()
if not PRESENT:
    ui.compact_top()  # 3rem above the title, not 6: more of each answer in 1280x720
ui.frame_filters(model)  # with a note on the data's problems, if any
try:
    page.run()
except Exception:
    if model.inventory.report.ok:
        raise
    # A data folder with problems must never show a traceback: say so and go on.
    logging.getLogger("cbdash").exception("page failed on a data folder with problems")
    st.error(
        "This page could not be drawn from the data as it is. The data problems are listed "
        "on Data & method."
    )
