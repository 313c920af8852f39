"""Overlap: how much two mapping efforts cover the same countries, topics, users or projects.

The sentence, the matrix (its chart, download and top pairs) and the comparison of two
mappings (one view at a time) are computed by `cbdash.present.views` and kept per filter state and
choice.
"""

import streamlit as st

from cbdash import ui
from cbdash.analysis.overlap import METRICS
from cbdash.present.charts import MAX_TEXT_CELLS
from cbdash.present.views import overlap as overlap_view

DIMENSIONS = overlap_view.OVERLAP_DIMENSIONS
MAX_MATRIX = overlap_view.OVERLAP_MAX_MATRIX
METRIC_NAMES = overlap_view.OVERLAP_METRIC_NAMES

model, filters = ui.page_context()
mappings = model.filtered_mappings(filters)
names = model.mapping_names

st.title("How much do the mappings overlap?")
# The sentence ranks every pair of mappings; kept per set of mappings that pass the filters.
st.markdown(overlap_view.overlap_takeaway(model, filters))
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

# Kept per filter state and choice of comparison (Model.memo).
choice = (dim, metric, no_global)
membership, compared_ids, with_values, shown = overlap_view.overlap_comparison(
    model, filters, *choice
)
if shown is None:
    hint = ""
    if no_global and overlap_view.overlap_comparison(model, filters, dim, metric, False).shown:
        hint = " Switch off “Leave out global mappings”: the others are global."
    ui.empty_state(f"Fewer than two of these mappings have known {DIMENSIONS[dim].lower()}.{hint}")
    st.stop()
figure, long_form, pairs, first = shown

# One view at a time (not tabs): only the chosen one is built, sent and drawn.
VIEWS = ["Matrix", "Compare two mappings"]
view = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="ov_view") or VIEWS[0]

if view == VIEWS[0]:
    ui.chart(figure, "overlap_matrix")
    left_out = compared_ids - with_values
    ui.caption(
        f"{with_values} mappings with known {DIMENSIONS[dim].lower()}"
        + (f" ({left_out} without are left out)" if left_out else "")
        + (f"; the {MAX_MATRIX} largest are shown" if with_values > MAX_MATRIX else "")
        + "; ordered so that similar mappings sit together"
        + (
            "; hover a cell for its value."
            if min(with_values, MAX_MATRIX) ** 2 > MAX_TEXT_CELLS
            else "."
        ),
        filters,
        model,
    )
    ui.download_csv(long_form, f"overlap {dim} {metric}", "dl_overlap")
    st.subheader("Most overlapping pairs")
    # A small static table rather than a data grid: the page loads one heavy component.
    st.table(pairs)

else:
    c1, c2 = st.columns(2)
    options = list(membership.index)
    # Opens on the most overlapping pair.
    first_a, first_b = (options.index(m) for m in first) if first else (0, 1)
    pa = c1.selectbox("Mapping A", options, format_func=names.get, key="pair_a", index=first_a)
    pb = c2.selectbox("Mapping B", options, format_func=names.get, key="pair_b", index=first_b)
    if pa == pb:
        st.info("Pick two different mappings.")
    else:
        s, detail, lists = overlap_view.overlap_pair(model, filters, *choice, pa, pb)
        m1, m2, m3 = st.columns(3)
        m1.metric("In both", s["both"])
        m2.metric(f"Only in {names[pa]}", s["only_a"])
        m3.metric(f"Only in {names[pb]}", s["only_b"])
        st.markdown(lists)
        ui.download_csv(detail[["value", "name", "status"]], f"pair {pa} {pb} {dim}", "dl_pair")
