"""Home: who maps cybersecurity capacity building, and how."""

import streamlit as st

from cbdash import figures, takeaways, ui

model, filters = ui.page_context()
inv = model.inventory
mappings = model.filtered_mappings(filters)
projects = model.filtered_projects(filters)

st.title("Who maps cybersecurity capacity building?")
st.markdown(takeaways.who_maps(mappings, model.labels["kinds"]))

cov = model.coverage[model.coverage["mapping_id"].isin(mappings["id"])]
links = inv.cooperation[
    inv.cooperation["mapping_a"].isin(mappings["id"])
    & inv.cooperation["mapping_b"].isin(mappings["id"])
]
cols = st.columns(4)
cols[0].metric("Mapping efforts", len(mappings))
cols[1].metric("Projects listed", len(projects))
cols[2].metric("Countries covered", cov["iso3"].nunique())
cols[3].metric("Cooperation links", len(links))

if mappings.empty:
    ui.empty_state("No mapping effort matches the filters. Widen or reset them in the sidebar.")
    st.stop()

kinds = mappings["kind"].value_counts()
st.plotly_chart(
    figures.bar_chart(
        kinds,
        title="Mapping efforts by kind",
        x_title="mapping efforts",
        labels=model.labels["kinds"],
    ),
    key="kinds_chart",
)
ui.caption(f"Number of mapping efforts of each kind, from {len(mappings)} records.", filters, model)
ui.download_csv(
    kinds.rename_axis("kind").reset_index(name="mappings"), "mappings by kind", "dl_kinds"
)

st.subheader("The mapping efforts")
# The readable rows are built once per model; a mapping's derived coverage does not depend
# on which other mappings pass the filters.
table = model.mapping_rows.loc[mappings.index].reset_index(drop=True)
shown = table[
    [
        "name",
        "owners",
        "kind",
        "scope",
        "countries covered (derived)",
        "topics",
        "confidence",
        "url",
    ]
]
ui.table(
    shown,
    "home_table",
    what="mapping efforts",
    column_config={"url": st.column_config.LinkColumn("url")},
)
ui.download_csv(shown, "mapping efforts", "dl_home_mappings")
st.caption(
    "Read the story page by page in the sidebar: where (Coverage map), on what and for "
    "whom (Topics), how alike (Overlap), and every record (Explore & download)."
)
