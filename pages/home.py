"""Home: who maps cybersecurity capacity building, and how.

The sentence, the numbers, the kinds and the table are computed by `cbdash.present.views` and kept
per filter state.
"""

import streamlit as st

from cbdash import ui
from cbdash.present.views import home as home_view

model, filters = ui.page_context("home")
mappings = model.filtered_mappings(filters)

# Kept per filter state: a rerun with the same filters (another viewer, a click) reuses it.
sentence, numbers, un_members, apart, shown = home_view.home_headline(model, filters)
st.title("Who maps cybersecurity capacity building?")
st.markdown(sentence)
cols = st.columns(4)
labels = [
    "Mappings counted",
    "Projects in the inventory",
    "UN member states covered",
    "Cooperation links",
]
for col, label, number in zip(cols, labels, shown, strict=True):
    col.metric(label, number)
if apart:
    st.caption(apart)

if mappings.empty:
    ui.empty_state("No mapping effort matches the filters. Widen or reset them in the sidebar.")
    st.stop()

# A table with bars rather than a plotly chart: the home page is what every viewer opens
# first, and without a chart the browser does not load and compile plotly.js (4.7 MB).
kinds, kinds_download = home_view.home_kinds(model, filters)
st.markdown("**Mapping efforts by kind**")
ui.table(
    kinds,
    "kinds_table",
    what="kinds",
    column_config={
        "label": st.column_config.TextColumn("kind"),
        "mappings": st.column_config.ProgressColumn(
            "mapping efforts", format="%d", min_value=0, max_value=int(kinds["mappings"].max())
        ),
    },
)
ui.caption(f"Number of mapping efforts of each kind, from {len(mappings)} records.", filters, model)
ui.download_csv(kinds_download, "mappings by kind", "dl_kinds")

st.subheader("The mapping efforts")
# The readable rows are built once per model; a mapping's derived coverage does not depend
# on which other mappings pass the filters.
shown = home_view.home_table(model, filters)
ui.table(
    shown,
    "home_table",
    what="mapping efforts",
    column_config={
        "name": st.column_config.TextColumn("name", width="large"),
        "url": st.column_config.LinkColumn("url"),
    },
)
ui.download_csv(shown, "mapping efforts", "dl_home_mappings")
st.caption(
    "Read the story page by page in the sidebar: where (Coverage map), on what and for "
    "whom (Topics), how alike (Overlap), and every record (Explore & download)."
)
