"""The only module that imports Streamlit: cached model, sidebar filters, downloads.

Filters live in widget state while a session runs and are mirrored into readable URL
query parameters on every run, so a copied link reproduces the view on any page.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model, build_model
from cbdash.analysis.projects import clusters as project_clusters
from cbdash.analysis.topics import value_counts
from cbdash.data.files import default_data_dir
from cbdash.present.charts import png_config
from cbdash.present.export import file_name, to_csv
from cbdash.ui.internals import KeptFigure, leave_legacy_pages_mode

TABLE_ROWS = 500  # rows of a table sent to the browser; downloads hold every row
ICON = str(Path(__file__).parent / "assets" / "icon.png")
FRAME_FILTERS = "frame_filters"
FILTER_LABELS = {
    "users": "Target users",
    "topics": "Topics",
    "kinds": "Kind of mapping",
    "regions": "Regions covered",
    "access": "Access",
    "export": "Data export",
    "confidence": "Confidence of the record",
    "include": "Also count",
}


def data_dir() -> Path:
    """The data directory: $CBDASH_DATA_DIR or the shipped `data/`."""
    return default_data_dir()


STAMP_SECONDS = 2.0  # how often reruns look for changed data files
_STAMPS: dict[Path, tuple[float, float]] = {}


def _stamp(path: Path) -> float:
    """Latest modification time of the files under `path` (cache key), looked up at most
    every STAMP_SECONDS: walking the folder on every rerun costs more than a chart."""
    now = time.monotonic()
    checked = _STAMPS.get(path)
    if checked is not None and now - checked[0] < STAMP_SECONDS:
        return checked[1]
    times = [p.stat().st_mtime for p in path.rglob("*") if p.is_file()]
    stamp = max(times, default=0.0)
    _STAMPS[path] = (now, stamp)
    return stamp


@st.cache_resource(show_spinner="Loading the inventory…", max_entries=2)
def _cached_model(path: str, stamp: float) -> Model:
    return build_model(Path(path))


def get_model() -> Model:
    """The model for the current data directory, loaded once per change of its files."""
    path = data_dir()
    return _cached_model(str(path), _stamp(path))


def _key(name: str) -> str:
    return f"filter_{name}"


def _reset() -> None:
    for name in Filters.names():
        st.session_state[_key(name)] = []


def _option_counts(model: Model) -> dict[str, dict[str, int]]:
    """Mappings per filter value, counted once per model (they do not depend on filters)."""

    def count() -> dict[str, dict[str, int]]:
        m = model.inventory.mappings
        regions = model.mapping_regions.groupby("region_id")["mapping_id"].nunique()
        series = {
            "users": value_counts(m, "id", "target_users"),
            "topics": value_counts(m, "id", "topics"),
            "kinds": m["kind"].value_counts(),
            "regions": regions,
            "access": m["access"].fillna("unknown").value_counts(),
            "export": m["data_export"].fillna("unknown").value_counts(),
            "confidence": m["confidence"].value_counts(),
            "include": pd.Series(
                {
                    "archived": int(((m["role"] == "mapping") & (m["status"] == "archived")).sum()),
                    "related": int(((m["role"] == "related") & (m["status"] != "proposal")).sum()),
                    "proposal": int((m["status"] == "proposal").sum()),
                }
            ),
        }
        return {name: {str(k): int(v) for k, v in s.items()} for name, s in series.items()}

    return model.derived("option_counts", count)


def sidebar_filters(model: Model) -> Filters:
    """Draw the filters in the sidebar and return the chosen Filters (synced with the URL)."""
    options = model.filter_options()
    if "filters_initialised" not in st.session_state:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        allowed = {n: set(v) for n, v in options.items()}
        chosen, problems = Filters.from_query(params, allowed)
        for name in Filters.names():
            st.session_state[_key(name)] = list(getattr(chosen, name))
        st.session_state["filters_initialised"] = True
        st.session_state["link_problems"] = problems
    counts = _option_counts(model)
    with st.sidebar:
        st.header("Filters")
        st.caption("Counts are mappings. Within a filter: any of the values; across: all.")
        for name in Filters.names():
            labels = model.labels.get(name, {})
            n = counts[name]
            st.multiselect(
                FILTER_LABELS[name],
                options[name],
                key=_key(name),
                format_func=lambda v, labels=labels, n=n: f"{labels.get(v, v)} ({n.get(v, 0)})",
                placeholder="All",
            )
        st.button(
            "Reset filters", on_click=_reset, key="reset_filters", icon=":material/restart_alt:"
        )
        for problem in st.session_state.get("link_problems", []):
            st.warning(problem)
    filters = Filters(**{n: tuple(st.session_state[_key(n)]) for n in Filters.names()})
    sync_query_params(filters)
    return filters


def sync_query_params(filters: Filters) -> None:
    """Write the filters into the URL, leaving other parameters as they are."""
    wanted = filters.to_query()
    for name in Filters.names():
        if name in wanted:
            if st.query_params.get(name) != wanted[name]:
                st.query_params[name] = wanted[name]
        elif name in st.query_params:
            del st.query_params[name]


def download_csv(df: pd.DataFrame, what: str, key: str) -> None:
    """A CSV download of exactly `df`, named after what it holds and today's date.

    The bytes are made only when the button is clicked (a deferred download), so a page
    with many downloads costs nothing extra per rerun.
    """
    st.download_button(
        f"Download CSV: {what} ({len(df)} rows)",
        data=lambda: to_csv(df),
        file_name=file_name(what),
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def table(
    df: pd.DataFrame,
    key: str,
    *,
    max_rows: int = TABLE_ROWS,
    what: str = "rows",
    **kwargs: Any,
) -> None:
    """`st.dataframe` of at most the first `max_rows` rows, saying so when there are more:
    the browser gets a window, not 100,000 rows on every rerun. Download the full table
    with `download_csv`."""
    st.dataframe(_arrow_window(df, max_rows), key=key, hide_index=True, **kwargs)
    if len(df) > max_rows:
        st.caption(
            f"Showing the first {max_rows:,} of {len(df):,} {what}; search or filter to "
            "narrow them, or download the CSV for all."
        )


# What `table` and `chart` send, made once per object they are given: a frame or figure
# kept between reruns (Model.memo, Model.derived) is converted once, not on every rerun.
_CONVERTED: dict[tuple[int, Hashable], tuple[weakref.ref, Any]] = {}


def _once(obj: Any, how: Hashable, convert: Callable[[Any], Any]) -> Any:
    """`convert(obj)`, kept while `obj` lives (keyed by its identity and `how`)."""
    key = (id(obj), how)
    hit = _CONVERTED.get(key)
    if hit is not None and hit[0]() is obj:
        return hit[1]
    value = convert(obj)
    _CONVERTED[key] = (weakref.ref(obj, lambda _ref, key=key: _CONVERTED.pop(key, None)), value)
    return value


def _arrow_window(df: pd.DataFrame, max_rows: int) -> Any:
    """The first `max_rows` rows of `df` as a pyarrow Table without the index, converted
    once per frame object; the pandas rows themselves if Arrow cannot take them (Streamlit
    then applies its own fixes)."""
    import pyarrow as pa

    def convert(frame: pd.DataFrame) -> Any:
        window = frame.head(max_rows)
        try:
            return pa.Table.from_pandas(window, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError):
            return window

    return _once(df, ("arrow", max_rows), convert)


def chart(figure: go.Figure, key: str, *, png_name: str | None = None, **kwargs: Any) -> None:
    """`st.plotly_chart` of a figure that is not changed after it is drawn (build figures
    inside Model.memo): Streamlit's copy of the figure as a dict is made once per figure
    object instead of on every rerun (a deep copy that costs more than the page's own work).
    The modebar camera saves a 2x PNG named after `png_name` (default: the key)."""
    kwargs.setdefault("config", png_config(png_name or key))
    st.plotly_chart(_once(figure, "plotly", KeptFigure.of), key=key, **kwargs)


def caption(what: str, filters: Filters, model: Model) -> None:
    """Chart caption: what it shows, from what data, under which filters."""
    st.caption(f"{what} {filters.describe(model.labels)}")


def empty_state(message: str) -> None:
    """Say in words that nothing matches (never a blank chart)."""
    st.info(message, icon=":material/filter_alt_off:")


def page_context() -> tuple[Model, Filters]:
    """The model and the filters for a page. app.py draws the filters first on every run;
    a page run on its own (as in a page test) draws them itself."""
    if leave_legacy_pages_mode():  # a deep link opened first: route it through app.py
        st.rerun()
    model = get_model()
    filters = st.session_state.get(FRAME_FILTERS)
    if not isinstance(filters, Filters):
        filters = sidebar_filters(model)
    return model, filters


def frame_filters(model: Model) -> Filters:
    """Called by app.py on every run: draw the sidebar filters and hand them to the page."""
    filters = sidebar_filters(model)
    st.session_state[FRAME_FILTERS] = filters
    return filters


@st.cache_resource(show_spinner="Checking for duplicate projects…", max_entries=2)
def _cached_clusters(path: str, stamp: float) -> pd.DataFrame:
    projects = _cached_model(path, stamp).inventory.projects
    return project_clusters(projects, Path(path) / "dedupe_overrides.csv")


def get_clusters() -> pd.DataFrame:
    """The duplicate check on all projects, computed once per change of the data files."""
    path = data_dir()
    return _cached_clusters(str(path), _stamp(path))
