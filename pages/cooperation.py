"""Cooperation: who already cooperates (case studies with sources) and who stands alone.

One view at a time: the network, the case studies (links with their sources) or the
mappings standing alone. What the filters decide is computed by `cbdash.present.views` and kept per
filter state, so a rerun that changes nothing they depend on (opening another case study)
recomputes none of it.
"""

import streamlit as st

from cbdash import ui
from cbdash.present.views import cooperation as cooperation_view
from cbdash.text import escape_markdown

model, filters = ui.page_context()
n_mappings = len(model.filtered_mappings(filters))
link_labels = model.labels["link_kinds"]

st.title("Who already cooperates?")
st.markdown(cooperation_view.cooperation_takeaway(model, filters))
if not n_mappings:
    ui.empty_state("No mapping effort matches the filters. Widen or reset them in the sidebar.")
    st.stop()

left, right = st.columns([3, 1])
kinds = left.multiselect(
    "Kinds of link",
    list(model.inventory.vocabulary("link_kinds")["id"]),
    format_func=lambda k: link_labels.get(k, k),
    key="coop_kinds",
    placeholder="All kinds",
)
size_by = right.radio(
    "Size of a mapping",
    ["countries", "projects"],
    format_func={"countries": "Countries covered", "projects": "Projects listed"}.get,
    key="coop_size",
    horizontal=True,
)
links = cooperation_view.cooperation_links(model, filters, kinds)

# One view at a time (not tabs): only the chosen one is built, sent and drawn.
VIEWS = ["Network", "Case studies", "Standing alone"]
view = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="coop_view") or VIEWS[0]

if view == VIEWS[0]:
    figure, legend = cooperation_view.cooperation_network(model, filters, kinds, size_by)
    # The legend as HTML above the chart: plotly.js measures every legend entry on each redraw.
    st.html(legend)
    ui.chart(figure, "coop_network", png_name="cooperation_network")
    ui.caption(
        f"{len(links)} links among {n_mappings} mappings. Size: {size_by} (countries derived "
        "from the scope, or as a source states them); an arrow points from the mapping that "
        "gives or precedes to the one that receives or follows. Mappings with no link of these "
        "kinds sit on the outer ring.",
        filters,
        model,
    )

elif view == VIEWS[1]:
    if links.empty:
        ui.empty_state("No cooperation link of these kinds joins two of these mappings.")
    else:
        studies = cooperation_view.case_studies(model, filters, kinds)
        chosen = st.selectbox(
            "Open a case study",
            list(studies.labels),
            format_func=studies.labels.get,
            key="coop_link",
        )
        summary, case_sources = studies.cases[chosen]
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(studies.labels[chosen])}**")
            st.markdown(escape_markdown(summary))
            st.markdown(cooperation_view.sources_markdown(case_sources))
        ui.table(studies.table, "coop_links", max_rows=len(studies.table))
        ui.download_csv(studies.table, "cooperation links", "dl_coop_links")

else:
    alone = cooperation_view.standing_alone(model, filters)
    if alone.empty:
        st.success("Every one of these mappings has at least one known cooperation link.")
    else:
        st.caption(
            f"{len(alone)} of {n_mappings} mappings have no known link, of any kind, with "
            "another of these mappings: an opportunity."
        )
        ui.table(
            alone,
            "coop_alone",
            max_rows=len(alone),
            column_config={"url": st.column_config.LinkColumn("url")},
        )
        ui.download_csv(alone, "mappings with no known link", "dl_coop_alone")
