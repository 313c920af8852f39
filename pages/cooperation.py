"""Cooperation: who already cooperates (case studies with sources) and who stands alone.

One view at a time: the network, the case studies (links with their sources) or the
mappings standing alone. What the filters decide is computed by `cbdash.present.views` and kept per
filter state, so a rerun that changes nothing they depend on (opening another case study)
recomputes none of it.
"""

import streamlit as st

from cbdash import ui
from cbdash.present.views import cooperation as cooperation_view
from cbdash.text import escape_markdown, plural

model, filters = ui.page_context("cooperation")
n_mappings = len(model.filtered_mappings(filters))

st.title("Who already cooperates?")
st.markdown(cooperation_view.cooperation_takeaway(model, filters))
if not n_mappings:
    ui.empty_state("No mapping effort matches the filters. Widen or reset them in the sidebar.")
    st.stop()

left, right = st.columns([3, 1])
kinds = ui.choice("link_kinds", model, "multiselect", left, placeholder="All kinds")
size_by = ui.choice("node_size", model, "radio", right, horizontal=True)
links = cooperation_view.cooperation_links(model, filters, kinds)

# One view at a time (not tabs): only the chosen one is built, sent and drawn.
view = ui.choice("coop_view", model, "segmented")

if view == "links":
    arcs = cooperation_view.cooperation_network(model, filters, kinds, size_by)
    if arcs.figure is None:
        ui.empty_state("No cooperation link of these kinds joins two of these mappings.")
    else:
        # The legend as HTML above the chart: plotly.js measures every legend entry on each redraw.
        st.html(arcs.legend)
        ui.chart(arcs.figure, "coop_network", png_name="cooperation_links")
        ui.caption(
            f"{plural(len(links), 'link')} among the {arcs.linked} linked mappings"
            + (f" (the {arcs.drawn} most linked are drawn)" if arcs.drawn < arcs.linked else "")
            + f"; {n_mappings - arcs.linked} of {n_mappings} have no link of these kinds "
            "(see Standing alone). Mappings grouped by kind, one per row; an arc runs from the "
            "mapping that gives or precedes to the one that receives or follows, its arrow "
            f"pointing that way. Size: {size_by}. Hover a name, a node or an arrow for details.",
            filters,
            model,
        )

elif view == "cases":
    if links.empty:
        ui.empty_state("No cooperation link of these kinds joins two of these mappings.")
    else:
        studies = cooperation_view.case_studies(model, filters, kinds)
        if st.session_state.get("case") not in studies.labels:
            ui.set_choice("case", next(iter(studies.labels)))
        chosen = ui.choice(
            "case", model, "select", options=list(studies.labels), format_func=studies.labels.get
        )
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(studies.labels[chosen])}**")
            st.markdown(cooperation_view.case_markdown(studies.cases[chosen]))
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
