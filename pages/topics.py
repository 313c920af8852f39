"""Topics: which topics and target users each mapping (and project) serves."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cbdash import figures, takeaways, ui
from cbdash.tables import matrix_long
from cbdash.topics import mapping_topic_matrix, region_topic_matrix, users_topic_matrix

MAX_ROWS = 60  # mappings in the mapping x topic chart (as the overlap matrix)

model, filters = ui.page_context()
inv = model.inventory
mappings = model.filtered_mappings(filters)
projects = model.filtered_projects(filters)
topic_labels, user_labels = model.labels["topics"], model.labels["users"]

st.title("On which topics, for whom?")
# Everything below is kept per filter state (Model.memo): a rerun with the same filters,
# such as another viewer's or a switch of tab, reuses it.
st.markdown(
    model.memo(
        ("topics_sentence", filters),
        lambda: (
            takeaways.on_what(mappings, "id", topic_labels)
            + " "
            + takeaways.for_whom(mappings, "id", user_labels)
        ),
    )
)

if mappings.empty:
    ui.empty_state("No mapping effort matches the filters. Widen or reset them in the sidebar.")
    st.stop()

VIEWS = ["Mapping × topic", "Region × topic", "Target users × topic", "How mappings categorise"]


def mapping_topic() -> tuple[pd.DataFrame, go.Figure, pd.DataFrame]:
    """The mapping x topic matrix, its chart (busiest rows first, at most MAX_ROWS: a taller
    chart is unreadable and slow to draw) and its long form for the download."""
    matrix = mapping_topic_matrix(mappings)
    figure = figures.annotated_heatmap(
        matrix.head(MAX_ROWS),
        title="Topics each mapping covers (dark = covered)",
        x_title="topic",
        y_title="mapping",
        x_labels=topic_labels,
        y_labels=model.mapping_names,
        show_values=False,  # 0/1: the colour says it; hundreds of cell labels are slow to draw
    )
    return matrix, figure, matrix_long(matrix, "mapping", "topic", "covered")


def region_topic(of: str) -> tuple[pd.DataFrame, go.Figure | None, pd.DataFrame]:
    """The region x topic matrix counting mappings or projects, its chart and long form."""
    if of == "mappings":
        regions = model.mapping_regions.rename(columns={"mapping_id": "id"})
        matrix = region_topic_matrix(regions, mappings, "id")
    else:
        matrix = region_topic_matrix(model.project_regions, projects, "project_id")
    if matrix.empty or matrix.to_numpy().sum() == 0:
        return matrix, None, matrix
    figure = figures.annotated_heatmap(
        matrix,
        title=f"{of.capitalize()} per UN region and topic",
        x_title="topic",
        y_title="region",
        x_labels=topic_labels,
    )
    return matrix, figure, matrix_long(matrix, "region", "topic", of)


def users_topic() -> tuple[go.Figure, pd.DataFrame]:
    """The target users x topic chart and its long form."""
    matrix = users_topic_matrix(mappings, "id")
    figure = figures.annotated_heatmap(
        matrix,
        title="Mappings per target-user group and topic",
        x_title="topic",
        y_title="target users",
        x_labels=topic_labels,
        y_labels=user_labels,
    )
    return figure, matrix_long(matrix, "target users", "topic", "mappings")


# One view at a time (not tabs): only the chosen chart is built, sent and drawn.
view = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="topics_view") or VIEWS[0]
if view == VIEWS[0]:
    matrix, figure, long = model.memo(("topics_mapping", filters), mapping_topic)
    ui.chart(figure, "mapping_topic")
    ui.caption(
        f"{len(mappings)} mappings; rows and columns sorted by totals"
        + (
            f"; the {MAX_ROWS} covering most topics are shown, the download has all"
            if len(matrix) > MAX_ROWS
            else ""
        )
        + ".",
        filters,
        model,
    )
    ui.download_csv(long, "mapping by topic", "dl_mapping_topic")
elif view == VIEWS[1]:
    of = st.radio("Count", ["mappings", "projects"], horizontal=True, key="region_topic_of")
    matrix, figure, long = model.memo(("topics_region", filters, of), lambda: region_topic(of))
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
elif view == VIEWS[2]:
    figure, long = model.memo(("topics_users", filters), users_topic)
    ui.chart(figure, "users_topic")
    ui.caption("Number of mappings that serve a user group and cover a topic.", filters, model)
    ui.download_csv(long, "target users by topic", "dl_users_topic")
else:
    cw = model.derived(
        "crosswalk_rows",
        lambda: inv.crosswalk.assign(
            topic=inv.crosswalk["topic"].map(lambda t: topic_labels.get(t, t))
        )[["framework", "category", "topic", "relation", "note", "source"]],
    )
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
