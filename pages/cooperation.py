"""Cooperation: who already cooperates (case studies with sources) and who stands alone.

What the filters decide (the links among the mappings that pass, the node table, the
network figure, the readable tables) is kept per filter state in `Model.memo`, so a rerun
that changes nothing they depend on (opening another case study, a rerun of the same view)
recomputes none of it; the spring layout is kept per graph by `network.spring_layout`.
"""

import numpy as np
import pandas as pd
import streamlit as st

from cbdash import network, story, takeaways, ui
from cbdash.recommendations import escape_markdown

model, filters = ui.page_context()
inv = model.inventory
mappings = model.filtered_mappings(filters)
names, link_labels = model.mapping_names, model.labels["link_kinds"]
ids = model.memo(("coop_ids", filters), lambda: tuple(mappings["id"]))
every_link = model.memo(("coop_every_link", ids), lambda: network.links_among(inv.cooperation, ids))

st.title("Who already cooperates?")
st.markdown(
    model.memo(
        ("coop_takeaway", ids),
        lambda: escape_markdown(
            takeaways.cooperation(inv.cooperation, mappings)
            + " "
            + takeaways.cooperation_hub(every_link, mappings, names, link_labels)
        ),
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
links = model.memo(
    ("coop_links", ids, tuple(kinds)), lambda: network.links_among(inv.cooperation, ids, kinds)
)


def node_table():
    """The nodes for the mappings and projects that pass the filters, from counts made
    once per model (countries per mapping; each project's listings as codes)."""
    derived = model.derived(
        "coop_countries", lambda: model.coverage.groupby("mapping_id")["iso3"].nunique()
    )
    codes = model.derived("coop_listing_codes", lambda: network.listing_codes(inv.projects))
    chosen = np.zeros(len(inv.projects), dtype=bool)
    chosen[inv.projects.index.get_indexer(model.filtered_projects(filters).index)] = True
    listed = network.listed_counts(codes, chosen)
    return network.node_table(
        mappings, model.coverage, inv.projects, derived=derived, listed=listed
    )


def network_figure():
    nodes = model.memo(("coop_nodes", filters), node_table)
    return network.network_figure(
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


figure = model.memo(("coop_figure", filters, tuple(kinds), size_by), network_figure)
ui.chart(figure, "coop_network", config=story.png_config("cooperation_network"))
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
    labels, cases, table = model.memo(
        ("coop_link_tables", ids, tuple(kinds)),
        lambda: (
            dict(
                zip(links["link_id"], network.case_labels(links, names, link_labels), strict=True)
            ),
            {
                link: (summary, tuple(sources))
                for link, summary, sources in zip(
                    links["link_id"], links["summary"], links["sources"], strict=True
                )
            },
            network.link_table(links, names, link_labels),
        ),
    )
    chosen = st.selectbox(
        "Open a case study",
        list(labels),
        format_func=labels.get,
        key="coop_link",
    )
    summary, case_sources = cases[chosen]
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(labels[chosen])}**")
        st.markdown(escape_markdown(summary))
        sources = model.memo(
            ("coop_sources", chosen, case_sources),
            lambda: pd.DataFrame({"source": list(case_sources)}),
        )
        ui.table(
            sources,
            "coop_sources",
            max_rows=len(sources),
            column_config={"source": st.column_config.LinkColumn("source")},
        )
    ui.table(table, "coop_links", max_rows=len(table))  # every row, as Arrow made once
    ui.download_csv(table, "cooperation links", "dl_coop_links")

st.subheader("Standing alone: an opportunity")


def standing_alone():
    """The mappings with no link, as readable rows (`model.mapping_rows` is row-aligned
    with the inventory's mappings, whose ids are unique)."""
    alone = network.standalone(mappings, every_link)
    every_id = pd.Index(inv.mappings["id"].to_numpy(dtype=object))
    rows = model.mapping_rows.iloc[every_id.get_indexer(alone["id"].to_numpy(dtype=object))]
    return rows[["name", "owners", "kind", "scope", "url"]].reset_index(drop=True)


shown = model.memo(("coop_alone", ids), standing_alone)
if shown.empty:
    st.success("Every one of these mappings has at least one known cooperation link.")
else:
    st.caption(
        f"{len(shown)} of {len(mappings)} mappings have no known link, of any kind, with "
        "another of these mappings."
    )
    ui.table(
        shown,
        "coop_alone",
        max_rows=len(shown),
        column_config={"url": st.column_config.LinkColumn("url")},
    )
    ui.download_csv(shown, "mappings with no known link", "dl_coop_alone")
