"""Overlap: how much two mapping efforts cover the same countries, topics, users or projects.

The sentence and the matrix follow the dimension chosen; a pair of mappings opens as a card
that compares them on every dimension at once. Everything is computed by
`cbdash.present.views.overlap` and kept per filter state and choice.
"""

import streamlit as st

from cbdash import ui
from cbdash.present.charts import MAX_TEXT_CELLS
from cbdash.present.views import overlap as overlap_view

MAX_MATRIX = overlap_view.OVERLAP_MAX_MATRIX

model, filters = ui.page_context("overlap")
names = model.mapping_names

st.title("How much do the mappings overlap?")
if len(model.filtered_mappings(filters)) < 2:
    ui.empty_state("Overlap needs at least two mappings. Widen or reset the filters.")
    st.stop()

a, b = st.columns([3, 2])
dim = ui.choice("compare_by", model, "segmented", a)
metric = ui.choice("metric", model, "select", b)
with_global = dim != "countries" or ui.choice("with_global", model, "toggle") == "yes"
comparison = overlap_view.overlap_comparison(model, filters, dim, metric, with_global)
with_values, shown, sentence = comparison.with_values, comparison.shown, comparison.sentence
st.markdown(sentence)
if shown is None:
    ui.empty_state(sentence)
    st.stop()
figure, long_form, pairs, first = shown

ui.chart(figure, "overlap_matrix")
ui.caption(
    f"{with_values} mappings with known {overlap_view.DIMENSION_ITEMS[dim]} compared"
    + (f"; the {MAX_MATRIX} largest are shown" if with_values > MAX_MATRIX else "")
    + ", ordered so that similar mappings sit together; the diagonal (a mapping against "
    "itself) is left blank"
    + (
        "; hover a cell for its value."
        if min(with_values, MAX_MATRIX) ** 2 > MAX_TEXT_CELLS
        else "."
    ),
    filters,
    model,
)
ui.download_csv(
    long_form, f"overlap by {overlap_view.OVERLAP_DIMENSIONS[dim].lower()}", "dl_overlap"
)

st.subheader("Pairs that overlap most")
if pairs.empty:
    st.info("No two mappings share anything on this dimension.")
else:
    ui.static_table(pairs)  # a small static table: the page loads one heavy component

st.subheader("Compare two mappings")
if not st.session_state.get("pair") and first:
    ui.set_choice("pair", list(first))  # opens on the most overlapping pair
pair = ui.choice("pair", model, "multiselect", max_selections=2, placeholder="Pick two mappings")
if len(pair) < 2:
    st.info("Pick two mappings to compare them on countries, topics, users and projects.")
    st.stop()
card = overlap_view.pair_card(model, filters, pair[0], pair[1])
st.dataframe(card.table, hide_index=True, key="pair_table")
for dimension, label in overlap_view.OVERLAP_DIMENSIONS.items():
    with st.expander(label, expanded=dimension == dim):
        st.markdown(card.lists[dimension])
ui.download_csv(card.detail, f"{names[pair[0]]} and {names[pair[1]]} compared", "dl_pair")
