"""Cooperation: who already cooperates (case studies with sources) and who stands alone."""

import streamlit as st

from cbdash import network, story, takeaways, ui
from cbdash.recommendations import escape_markdown
from cbdash.tables import mapping_table

model, filters = ui.page_context()
inv = model.inventory
mappings = filters.apply_mappings(inv.mappings, model.mapping_regions)
projects = filters.apply_projects(inv.projects, model.project_regions)
names, link_labels = model.mapping_names, model.labels["link_kinds"]
ids = list(mappings["id"])
every_link = network.links_among(inv.cooperation, ids)

st.title("Who already cooperates?")
st.markdown(
    escape_markdown(
        takeaways.cooperation(inv.cooperation, mappings)
        + " "
        + takeaways.cooperation_hub(every_link, mappings, names, link_labels)
    )
)
if mappings.empty:
    ui.empty_state("No mapping effort matches the filters. Widen or reset them in the sidebar.")
    st.stop()

left, right = st.columns([3, 1])
kinds = left.multiselect(
    "Kinds of link",
    list(inv.vocabulary("link_kinds")["id"]),
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
links = network.links_among(inv.cooperation, ids, kinds)
nodes = network.node_table(mappings, model.coverage, projects)
figure = network.network_figure(
    nodes,
    network.network_layout(nodes, links, aspect=1.8),
    links,
    size_by=size_by,
    kind_labels=model.labels["kinds"],
    link_labels=link_labels,
    kind_order=list(inv.vocabulary("mapping_kinds")["id"]),
    label_min_links=2,
    max_labels=8,
)
st.plotly_chart(figure, key="coop_network", config=story.png_config("cooperation_network"))
ui.caption(
    f"{len(links)} links among {len(mappings)} mappings. Size: {size_by} (countries derived "
    "from the scope, or as a source states them); an arrow points from the mapping that gives "
    "or precedes to the one that receives or follows. Mappings with no link of these kinds sit "
    "on the outer ring.",
    filters,
    model,
)

st.subheader("Case studies")
if links.empty:
    ui.empty_state("No cooperation link of these kinds joins two of these mappings.")
else:
    rows = links.set_index("link_id")
    chosen = st.selectbox(
        "Open a case study",
        list(rows.index),
        format_func=lambda i: network.case_label(rows.loc[i], names, link_labels),
        key="coop_link",
    )
    case = rows.loc[chosen]
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(network.case_label(case, names, link_labels))}**")
        st.markdown(escape_markdown(case["summary"]))
        st.dataframe(
            {"source": list(case["sources"])},
            hide_index=True,
            key="coop_sources",
            column_config={"source": st.column_config.LinkColumn("source")},
        )
    table = network.link_table(links, names, link_labels)
    st.dataframe(table, hide_index=True, key="coop_links")
    ui.download_csv(table, "cooperation links", "dl_coop_links")

st.subheader("Standing alone: an opportunity")
alone = network.standalone(mappings, every_link)
if alone.empty:
    st.success("Every one of these mappings has at least one known cooperation link.")
else:
    shown = mapping_table(alone, model.labels)[["name", "owners", "kind", "scope", "url"]]
    st.caption(
        f"{len(alone)} of {len(mappings)} mappings have no known link, of any kind, with "
        "another of these mappings."
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="coop_alone",
        column_config={"url": st.column_config.LinkColumn("url")},
    )
    ui.download_csv(shown, "mappings with no known link", "dl_coop_alone")
