"""Server floor for `make bench`: the same sidebar widgets as every page, no chart.

Not part of the app's navigation. Its AppTest rerun time is the cost every page pays before
drawing anything (model lookup, filters, URL sync); pages are measured against it.
"""

import streamlit as st

from cbdash import ui

model, filters = ui.page_context()
st.title("Server floor")
st.caption(filters.describe(model.labels))
