"""Browser floor for `make bench`: the app's frame (navigation and sidebar filters) with one
page holding a single 10x10 plotly heatmap. Run with `streamlit run bench/floor_browser.py`;
not part of the app. Page loads and filter changes in the app are measured against it.
"""

import zlib
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cbdash import ui

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"

st.set_page_config(page_title="cbdash bench floor", layout="wide")


def floor() -> None:
    model, filters = ui.page_context()
    st.title("Browser floor")
    # The values follow the filters, as a page's charts do: a filter change redraws the chart
    # (a chart that stayed the same would leave the floor's "filter change" nothing to draw).
    seed = zlib.crc32(filters.describe(model.labels).encode("utf-8"))
    values = np.random.default_rng(seed).integers(0, 10, size=(10, 10))
    labels = [f"c{i}" for i in range(10)]
    st.plotly_chart(go.Figure(go.Heatmap(z=values, x=labels, y=labels)), key="floor_heatmap")
    st.caption(filters.describe(model.labels))


def _stub() -> None:
    st.write("Not measured: the floor is the first page.")


# As many navigation entries as the app has, so the sidebar is the same size.
pages = [st.Page(floor, title="Floor", url_path="floor", default=True)]
pages += [
    st.Page(_stub, title=path.stem.replace("_", " ").capitalize(), url_path=f"stub_{path.stem}")
    for path in sorted(PAGES_DIR.glob("*.py"))
]
page = st.navigation(pages)
ui.frame_filters(ui.get_model())
page.run()
