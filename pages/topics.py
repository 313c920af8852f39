"""Topics: which topics and target users each mapping (and project) serves."""

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
st.markdown(
    takeaways.on_what(mappings, "id", topic_labels)
    + " "
    + takeaways.for_whom(mappings, "id", user_labels)
)

if mappings.empty:
    ui.empty_state("No mapping effort matches the filters. Widen or reset them in the sidebar.")
    st.stop()

tab_m, tab_r, tab_u, tab_x = st.tabs(
    ["Mapping × topic", "Region × topic", "Target users × topic", "How mappings categorise"]
)
with tab_m:
    matrix = mapping_topic_matrix(mappings)
    # Rows are sorted busiest first; a taller chart is unreadable and slow to draw.
    shown = matrix.head(MAX_ROWS)
    st.plotly_chart(
        figures.annotated_heatmap(
            shown,
            title="Topics each mapping covers (1 = covered)",
            x_title="topic",
            y_title="mapping",
            x_labels=topic_labels,
            y_labels=model.mapping_names,
        ),
        key="mapping_topic",
    )
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
    ui.download_csv(
        matrix_long(matrix, "mapping", "topic", "covered"), "mapping by topic", "dl_mapping_topic"
    )
with tab_r:
    of = st.radio("Count", ["mappings", "projects"], horizontal=True, key="region_topic_of")
    if of == "mappings":
        regions = model.mapping_regions.rename(columns={"mapping_id": "id"})
        matrix = region_topic_matrix(regions, mappings, "id")
    else:
        matrix = region_topic_matrix(model.project_regions, projects, "project_id")
    if matrix.empty or matrix.to_numpy().sum() == 0:
        ui.empty_state(f"No {of} with a known region and topic match the filters.")
    else:
        st.plotly_chart(
            figures.annotated_heatmap(
                matrix,
                title=f"{of.capitalize()} per UN region and topic",
                x_title="topic",
                y_title="region",
                x_labels=topic_labels,
            ),
            key="region_topic",
        )
        ui.caption(
            f"Number of {of} reaching a region (a covered or beneficiary country there, "
            "or a named region) that address a topic.",
            filters,
            model,
        )
        ui.download_csv(
            matrix_long(matrix, "region", "topic", of), f"region by topic {of}", "dl_region_topic"
        )
with tab_u:
    matrix = users_topic_matrix(mappings, "id")
    st.plotly_chart(
        figures.annotated_heatmap(
            matrix,
            title="Mappings per target-user group and topic",
            x_title="topic",
            y_title="target users",
            x_labels=topic_labels,
            y_labels=user_labels,
        ),
        key="users_topic",
    )
    ui.caption("Number of mappings that serve a user group and cover a topic.", filters, model)
    ui.download_csv(
        matrix_long(matrix, "target users", "topic", "mappings"),
        "target users by topic",
        "dl_users_topic",
    )
with tab_x:
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
    st.dataframe(
        cw,
        hide_index=True,
        key="crosswalk",
        column_config={"source": st.column_config.LinkColumn("source")},
    )
    ui.download_csv(cw, "topic crosswalk", "dl_crosswalk")
