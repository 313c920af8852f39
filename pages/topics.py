"""Topics: which topics and target users each mapping (and project) serves.

The sentence, the matrices (charts and downloads) and the crosswalk are computed by
`cbdash.present.views` and kept per filter state and choice.
"""

import streamlit as st

from cbdash import ui
from cbdash.present.views import topics as topics_view

MAX_ROWS = topics_view.TOPICS_MAX_ROWS


def _cut(matrix, note: str) -> str:
    """`note` when the chart shows only the first MAX_ROWS rows of `matrix`."""
    return note if len(matrix) > MAX_ROWS else ""


model, filters = ui.page_context("topics")
mappings = model.filtered_mappings(filters)

st.title("On which topics, for whom?")
# Everything below is kept per filter state (Model.memo): a rerun with the same filters,
# such as another viewer's or a switch of tab, reuses it.
if mappings.empty:
    ui.empty_state("No mapping effort matches the filters. Widen or reset them in the sidebar.")
    st.stop()

# One view at a time (not tabs): only the chosen chart is built, sent and drawn; the
# sentence above it is computed from the table that chart draws.
view = ui.choice("topics_view", model, "segmented")
of = ui.choice("count_of", model, "radio", horizontal=True) if view == "regions" else "mappings"
st.markdown(topics_view.topics_sentence(model, filters, view, of))
if view == "mappings":
    matrix, figure, long = topics_view.topics_by_mapping(model, filters)
    if figure is None:
        ui.empty_state("No topic is known (see the data problems on Data & method).")
        st.stop()
    ui.chart(figure, "mapping_topic")
    ui.caption(
        f"{len(mappings)} mappings; rows and columns sorted by totals"
        + _cut(matrix, f"; the {MAX_ROWS} covering most topics are shown, the download has all")
        + ".",
        filters,
        model,
    )
    ui.download_csv(long, "mapping by topic", "dl_mapping_topic")
elif view == "users":
    matrix, figure, long = topics_view.users_by_mapping(model, filters)
    if figure is None:
        ui.empty_state("None of these mappings states its target users.")
    else:
        ui.chart(figure, "mapping_users")
        ui.caption(
            f"{len(matrix)} mappings with known target users; sorted by totals"
            + _cut(matrix, f"; the first {MAX_ROWS} shown, the download has all")
            + ".",
            filters,
            model,
        )
        ui.download_csv(long, "mapping by target users", "dl_mapping_users")
elif view == "regions":
    matrix, figure, long = topics_view.topics_by_region(model, filters, of)
    if figure is None:
        ui.empty_state(f"No {of} with a known region and topic match the filters.")
    else:
        ui.chart(figure, "region_topic")
        ui.caption(
            f"Number of {of} reaching a region (a covered or beneficiary country there, "
            "or a named region) that address a topic.",
            filters,
            model,
        )
        ui.download_csv(long, f"region by topic {of}", "dl_region_topic")
elif view == "users_topics":
    matrix, figure, long = topics_view.topics_by_users(model, filters)
    if figure is None:
        ui.empty_state("No topic or target users are known (see Data & method).")
        st.stop()
    ui.chart(figure, "users_topic")
    ui.caption(
        "Number of mappings that serve a user group and cover a topic; every group and "
        "topic is shown, 0 included.",
        filters,
        model,
    )
    ui.download_csv(long, "target users by topic", "dl_users_topic")
else:
    cw = topics_view.topics_crosswalk(model)
    st.markdown(
        "GFCE themes, Oxford CMM dimensions and ITU GCI pillars, each mapped to the "
        "common topics used here."
    )
    ui.table(
        cw,
        "crosswalk",
        what="crosswalk rows",
        column_config={"source": st.column_config.LinkColumn("source")},
    )
    ui.download_csv(cw, "topic crosswalk", "dl_crosswalk")
