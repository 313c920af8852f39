"""Home: who maps cybersecurity capacity building, and how."""

import pandas as pd
import streamlit as st

from cbdash import takeaways, ui

COLUMNS = [
    "name",
    "owners",
    "kind",
    "scope",
    "countries covered (derived)",
    "topics",
    "confidence",
    "url",
]

model, filters = ui.page_context()
inv = model.inventory
mappings = model.filtered_mappings(filters)


def headline() -> tuple[str, list[int]]:
    """The opening sentence and the four numbers, for the mappings that pass the filters."""
    ids = mappings["id"]
    links = inv.cooperation["mapping_a"].isin(ids) & inv.cooperation["mapping_b"].isin(ids)
    numbers = [
        len(mappings),
        len(model.filtered_projects(filters)),
        model.coverage.loc[model.coverage["mapping_id"].isin(ids), "iso3"].nunique(),
        int(links.sum()),
    ]
    return takeaways.who_maps(mappings, model.labels["kinds"]), numbers


# Kept per filter state: a rerun with the same filters (another viewer, a click) reuses it.
sentence, numbers = model.memo(("home", filters), headline)
st.title("Who maps cybersecurity capacity building?")
st.markdown(sentence)
cols = st.columns(4)
for col, label, number in zip(
    cols,
    ["Mapping efforts", "Projects listed", "Countries covered", "Cooperation links"],
    numbers,
    strict=True,
):
    col.metric(label, number)

if mappings.empty:
    ui.empty_state("No mapping effort matches the filters. Widen or reset them in the sidebar.")
    st.stop()

# A table with bars rather than a plotly chart: the home page is what every viewer opens
# first, and without a chart the browser does not load and compile plotly.js (4.7 MB).


def kinds_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mappings per kind: with readable labels (shown) and with kind ids (the download)."""
    kinds = (
        mappings["kind"]
        .value_counts()
        .rename_axis("kind")
        .reset_index(name="mappings")
        .assign(label=lambda d: d["kind"].map(lambda k: model.labels["kinds"].get(k, k)))
    )
    return kinds[["label", "mappings"]], kinds[["kind", "mappings"]]


kinds, kinds_download = model.memo(("home_kinds", filters), kinds_table)
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
shown = model.memo(("home_table", filters), lambda: model.mapping_rows.loc[mappings.index, COLUMNS])
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
