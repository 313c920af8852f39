"""Overlap: how much two mapping efforts cover the same countries, topics, users or projects."""

import pandas as pd
import streamlit as st

from cbdash import coverage, figures, takeaways, ui
from cbdash.membership import explode, membership_matrix
from cbdash.overlap import (
    METRICS,
    ordered,
    overlap_matrix,
    pair_detail,
    pair_lists,
    pair_summary,
    top_pairs,
)
from cbdash.tables import matrix_long

DIMENSIONS = {
    "countries": "Countries",
    "topics": "Topics",
    "target_users": "Target users",
    "projects": "Shared projects",
}
MAX_MATRIX = 60  # a larger matrix is unreadable; the largest mappings are shown
METRIC_NAMES = {
    "count": "Shared count",
    "jaccard": "Jaccard (shared / union)",
    "overlap": "Overlap coefficient (shared / smaller)",
}

model, filters = ui.page_context()
inv = model.inventory
mappings = model.filtered_mappings(filters)
names = model.mapping_names

st.title("How much do the mappings overlap?")
# The sentence ranks every pair of mappings; kept per set of mappings that pass the filters.
st.markdown(
    model.memo(
        ("overlap_takeaway", tuple(mappings["id"])), lambda: takeaways.overlap(mappings, names)
    )
)
if len(mappings) < 2:
    ui.empty_state("Overlap needs at least two mappings. Widen or reset the filters.")
    st.stop()

a, b = st.columns(2)
dim = a.selectbox("Compare by", list(DIMENSIONS), format_func=DIMENSIONS.get, key="ov_dim")
metric = b.selectbox("Metric", METRICS, format_func=METRIC_NAMES.get, key="ov_metric")
no_global = st.toggle(
    "Leave out global mappings (they all cover the same 193 countries)",
    value=True,
    key="ov_no_global",
)


def compared(dim: str, metric: str, no_global: bool):
    """Membership of the compared mappings (the MAX_MATRIX largest), how many have values,
    the ordered overlap matrix, its chart, its long form and the top pairs."""
    ids = list(mappings.loc[~coverage.is_global(mappings), "id"] if no_global else mappings["id"])
    if dim == "countries":
        long = model.coverage.rename(columns={"mapping_id": "id", "iso3": "value"})
    elif dim == "projects":
        long = model.derived(
            "project_listings",
            lambda: explode(inv.projects, "project_id", "listed_in", "id").rename(
                columns={"project_id": "value"}
            ),
        )
    else:
        long = explode(mappings, "id", dim, "value")
    membership = membership_matrix(long[long["id"].isin(ids)], "id", "value", rows=ids)
    membership = membership[membership.any(axis=1)]
    with_values = len(membership)
    if with_values < 2:
        return membership, len(ids), with_values, None
    if with_values > MAX_MATRIX:
        largest = membership.sum(axis=1).sort_values(ascending=False, kind="stable").index
        membership = membership.loc[largest[:MAX_MATRIX]]
    matrix = ordered(overlap_matrix(membership, metric))
    number_format = "{:.0f}" if metric == "count" else "{:.2f}"
    figure = figures.annotated_heatmap(
        matrix,
        title=f"{METRIC_NAMES[metric]} by {DIMENSIONS[dim].lower()}",
        number_format=number_format,
        x_labels=names,
        y_labels=names,
    )
    top = top_pairs(matrix, 10)
    first = (top["mapping_a"].iloc[0], top["mapping_b"].iloc[0]) if len(top) else None
    pairs = top.assign(
        mapping_a=lambda d: d["mapping_a"].map(names),
        mapping_b=lambda d: d["mapping_b"].map(names),
        value=lambda d: d["value"].map(number_format.format),
    )
    long_form = matrix_long(matrix, "mapping_a", "mapping_b", metric)
    return membership, len(ids), with_values, (figure, long_form, pairs, first)


# Kept per filter state and choice of comparison (Model.memo).
choice = (dim, metric, no_global)
membership, compared_ids, with_values, shown = model.memo(
    ("overlap", filters, *choice), lambda: compared(*choice)
)
if shown is None:
    ui.empty_state(f"Fewer than two of these mappings have known {DIMENSIONS[dim].lower()}.")
    st.stop()
figure, long_form, pairs, first = shown
ui.chart(figure, "overlap_matrix")
left_out = compared_ids - with_values
ui.caption(
    f"{with_values} mappings with known {DIMENSIONS[dim].lower()}"
    + (f" ({left_out} without are left out)" if left_out else "")
    + (f"; the {MAX_MATRIX} largest are shown" if with_values > MAX_MATRIX else "")
    + "; ordered so that similar mappings sit together"
    + (
        "; hover a cell for its value."
        if min(with_values, MAX_MATRIX) ** 2 > figures.MAX_TEXT_CELLS
        else "."
    ),
    filters,
    model,
)
ui.download_csv(long_form, f"overlap {dim} {metric}", "dl_overlap")

st.subheader("Most overlapping pairs")
# Small static tables and lists rather than data grids: the page then loads one heavy
# component (the chart) instead of two, about a second less for a first-time viewer.
st.table(pairs)


def pair(pa: str, pb: str) -> tuple[dict, pd.DataFrame, str]:
    """What two mappings share and what only one has, with readable names."""
    detail = pair_detail(membership, pa, pb)
    # Names of topics, users and countries, and project titles (which win a clash), built
    # once per model rather than a 100,000-entry dict on every rerun.
    value_names = model.derived(
        "overlap_value_names",
        lambda: {
            **model.labels["topics"],
            **model.labels["users"],
            **dict(zip(model.countries["iso3"], model.countries["name"], strict=True)),
        },
    )
    titles = model.derived(
        "project_titles",
        lambda: dict(zip(inv.projects["project_id"], inv.projects["title"], strict=True)),
    )
    detail["name"] = [titles.get(v, value_names.get(v, v)) for v in detail["value"]]
    detail["status"] = detail["status"].str.replace(pa, names[pa]).str.replace(pb, names[pb])
    lists = pair_lists(detail, names[pa], names[pb])
    return pair_summary(membership, pa, pb), detail, lists


st.subheader("Compare two mappings")
c1, c2 = st.columns(2)
options = list(membership.index)
# Opens on the most overlapping pair.
first_a, first_b = (options.index(m) for m in first) if first else (0, 1)
pa = c1.selectbox("Mapping A", options, format_func=names.get, key="pair_a", index=first_a)
pb = c2.selectbox("Mapping B", options, format_func=names.get, key="pair_b", index=first_b)
if pa == pb:
    st.info("Pick two different mappings.")
else:
    s, detail, lists = model.memo(("overlap_pair", filters, *choice, pa, pb), lambda: pair(pa, pb))
    m1, m2, m3 = st.columns(3)
    m1.metric("In both", s["both"])
    m2.metric(f"Only in {names[pa]}", s["only_a"])
    m3.metric(f"Only in {names[pb]}", s["only_b"])
    st.markdown(lists)
    ui.download_csv(detail[["value", "name", "status"]], f"pair {pa} {pb} {dim}", "dl_pair")
