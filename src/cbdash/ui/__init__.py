"""The only module that imports Streamlit: cached model, sidebar filters, downloads.

Filters live in widget state while a session runs and are mirrored into readable URL
query parameters on every run, so a copied link reproduces the view on any page.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Container, Hashable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cbdash.analysis.filters import Filters, option_counts
from cbdash.analysis.model import Model, build_model
from cbdash.analysis.projects import clusters as project_clusters
from cbdash.analysis.projects import inventory_queue
from cbdash.data.files import default_data_dir
from cbdash.present import state
from cbdash.present.charts import inert_text, png_config
from cbdash.present.export import file_name, to_csv
from cbdash.present.tables import column_widths
from cbdash.present.views.projects import QUEUE_K
from cbdash.text import escape_markdown, plural
from cbdash.ui.internals import KeptFigure, leave_legacy_pages_mode

TABLE_ROWS = 500  # rows of a table sent to the browser; downloads hold every row
ICON = str(Path(__file__).parent / "assets" / "icon.png")
FRAME_FILTERS = "frame_filters"
LINK_NOTES = "link_notes"


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


def _reset() -> None:
    for choice in state.SIDEBAR:
        st.session_state[choice.key] = []


def _option_counts(model: Model, include: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """`filters.option_counts` for the efforts `include` counts, kept per model and choice."""
    return model.memo(
        ("option_counts", include),
        lambda: option_counts(model.inventory.mappings, model.mapping_regions, include),
    )


def _init_choices(model: Model, page: str | None) -> None:
    """Set up, once per session, the widget state of the sidebar's and `page`'s choices
    from the link (a value a link gives that is not allowed is dropped with a note)."""
    todo = [c for c in state.page_choices(page) if c.key not in st.session_state]
    if not todo:
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    values, notes = state.from_query(params, model, page)
    for choice in todo:
        value = values[choice.key]
        st.session_state[choice.key] = list(value) if choice.many else value
    known = st.session_state.get(LINK_NOTES, [])
    st.session_state[LINK_NOTES] = known + [n for n in notes if n not in known]


def current(page: str | None) -> dict[str, Any]:
    """The current value of every choice of the sidebar and `page` (defaults if unset)."""
    out = {}
    for choice in state.page_choices(page):
        value = st.session_state.get(choice.key, choice.default)
        if value is None and choice.default is not None:
            value = choice.default  # a cleared segmented control falls back to its default
        out[choice.key] = tuple(value) if choice.many else value
    return out


def sync_url(page: str | None) -> None:
    """Write the sidebar's and `page`'s choices into the URL (defaults left out) and drop
    the parameters of other pages, so that a copied link shows what is on screen."""
    wanted = state.to_query(current(page))
    for key in list(st.query_params):
        choice = state.REGISTRY.get(key)
        if choice is not None and key not in wanted:
            del st.query_params[key]
    for key, text in wanted.items():
        if st.query_params.get(key) != text:
            st.query_params[key] = text


def set_choice(key: str, value: Any) -> None:
    """Change a choice from code (e.g. a click on the map) and put it in the URL."""
    st.session_state[key] = value
    text = state.REGISTRY[key].to_param(value)
    if text is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != text:
        st.query_params[key] = text


def opened_once(key: str) -> bool:
    """True on the first run after choice `key` took a new value (a click, the list or a
    link) or was asked to open again (`open_again`): the page then opens its panel once, and
    a panel the person closed stays closed on later reruns."""
    value = st.session_state.get(key)
    marker = f"{key}__opened"
    if value is None:
        st.session_state[marker] = None
        return False
    if st.session_state.get(marker) != value:
        st.session_state[marker] = value
        return True
    return False


def open_again(key: str) -> None:
    """Ask `opened_once(key)` to be True on the next run (e.g. a button "Show panel")."""
    st.session_state[f"{key}__opened"] = None


def clickable_map(
    deck: Any, key: str, choice_key: str, allowed: Container[str], height: int = 520
) -> None:
    """A pydeck map whose click on an object with an `iso3` in `allowed` sets the registered
    choice `choice_key` to it (in the URL too) and opens its panel again (`open_again`).

    Streamlit draws a selected object in the theme colour and greys every other one: the
    chart's selection is cleared after each click (the widget gets a new key), so the map
    keeps its colours and shows the choice its own way."""
    round_key = f"{key}__round"
    widget_key = f"{key}_{st.session_state.get(round_key, 0)}"

    def clicked() -> None:
        selection = (st.session_state.get(widget_key) or {}).get("selection") or {}
        objects = [o for objs in (selection.get("objects") or {}).values() for o in objs]
        iso3 = objects[0].get("iso3") if objects else None
        if iso3 in allowed:
            set_choice(choice_key, iso3)
            open_again(choice_key)
        st.session_state[round_key] = st.session_state.get(round_key, 0) + 1

    st.pydeck_chart(
        deck, on_select=clicked, selection_mode="single-object", key=widget_key, height=height
    )


def dialog(title: str, draw: Callable[[], None]) -> None:
    """Open a large dialog titled `title` (its heading) with what `draw` draws."""
    st.dialog(title, width="large")(draw)()


def sidebar_filters(model: Model) -> Filters:
    """Draw the filters in the sidebar and return the chosen Filters (synced with the URL)."""
    _init_choices(model, None)
    counts = _option_counts(model, state.filters_of(current(None)).include)
    with st.sidebar:
        data_problems(model)
        st.header("Filters")
        st.caption(
            "Counts are the mappings counted (see “Also count”). Within a filter: any of "
            "the values; across: all."
        )
        for choice in state.SIDEBAR:
            name, n = choice.label_of(model), counts[choice.key]
            st.multiselect(
                choice.label,
                choice.allowed(model),
                key=choice.key,
                format_func=lambda v, name=name, n=n: f"{name(v)} ({n.get(v, 0)})",
                placeholder="All",
                **PICKER,
            )
        st.button(
            "Reset filters", on_click=_reset, key="reset_filters", icon=":material/restart_alt:"
        )
        for note in st.session_state.get(LINK_NOTES, []):
            st.warning(note)  # escaped when made: the link's text cannot become a live link
    return state.filters_of(current(None))


# Typing in a picker keeps the options that contain the words typed, and Enter picks the
# first of them: with Streamlit's default "Select all matches" row on top, Enter picked
# every fuzzy match ("Cybil" picked 11 mappings).
PICKER = {"filter_mode": "contains", "select_all": False}


def data_problems(model: Model, shown: int = 3) -> None:
    """A note on every page when the data folder has errors: how many, the first `shown`
    (escaped), and where the rest are. The pages show what could still be read."""
    errors = model.inventory.report.errors
    if not errors:
        return
    lines = [f"- {escape_markdown(str(e))}" for e in errors[:shown]]
    if len(errors) > shown:
        lines.append(f"- and {len(errors) - shown:,} more")
    st.warning(
        f"**The data has {plural(len(errors), 'problem')}**: pages show what could still be "
        "read; every problem is listed on Data & method.\n\n" + "\n".join(lines),
        icon=":material/warning:",
    )


WIDGETS = {
    "radio": st.radio,
    "select": st.selectbox,
    "segmented": st.segmented_control,
    "multiselect": st.multiselect,
}


def choice(
    key: str,
    model: Model,
    widget: str,
    where: Any = None,
    options: Sequence[str] | None = None,
    **kwargs: Any,
) -> Any:
    """Draw the widget of registered choice `key` (its label, allowed values and their
    labels from cbdash.present.state) in `where` (default: the page) and return its value.
    `widget` is radio, select, segmented, multiselect, toggle, text or number; `options`
    narrows the allowed values (e.g. to those that pass the filters)."""
    c = state.REGISTRY[key]
    where = where or st
    if widget == "toggle":
        on = where.toggle(c.label, key=f"{key}__toggle", value=st.session_state.get(key) == "yes")
        set_choice(key, "yes" if on else "no")  # the URL was written before the toggle ran
        return st.session_state[key]
    if widget == "text":
        return where.text_input(c.label, key=key, **kwargs)
    if widget == "number":
        lo, hi = c.bounds or (0, 0)
        return where.number_input(c.label, lo, hi, key=key, **kwargs)
    draw = getattr(where, WIDGETS[widget].__name__)
    kwargs.setdefault("format_func", c.label_of(model))
    if widget == "multiselect":
        kwargs = PICKER | kwargs
    shown = list(options) if options is not None else c.allowed(model)
    current_value = st.session_state.get(key)
    if c.many and current_value:  # a value no longer offered would make Streamlit fail
        st.session_state[key] = [v for v in current_value if v in shown]
    elif not c.many and current_value is not None and current_value not in shown:
        st.session_state[key] = c.default if c.default in shown else None
    value = draw(c.label, shown, key=key, **kwargs)
    if value is None and c.default is not None:
        return c.default
    return tuple(value) if c.many else value


def download_csv(df: pd.DataFrame, what: str, key: str) -> None:
    """A CSV download of exactly `df`, named after what it holds and today's date.

    The bytes are made only when the button is clicked (a deferred download), so a page
    with many downloads costs nothing extra per rerun.
    """
    st.download_button(
        f"Download CSV: {escape_markdown(what)} ({plural(len(df), 'row')})",
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
    the browser gets a window, not 100,000 rows on every rerun. Columns are as wide as
    their content up to a limit (`tables.column_widths`), so that the first ones are on
    screen; `column_config` overrides a column. A missing value reads "unknown" (the data
    leaves unknowns empty). Download the full table with `download_csv`."""
    config: dict[str, Any] = {
        name: st.column_config.Column(width=px)
        for name, px in _once(df, "widths", column_widths).items()
    }
    for name, given in (kwargs.pop("column_config", None) or {}).items():
        width = config.get(name, {}).get("width")
        config[name] = {"width": width, **given} if given.get("width") is None else given
    kwargs.setdefault("placeholder", "unknown")
    st.dataframe(
        _arrow_window(df, max_rows), key=key, hide_index=True, column_config=config, **kwargs
    )
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
    kept = _once(figure, "plotly", lambda f: KeptFigure.of(f, inert_text))
    st.plotly_chart(kept, key=key, **kwargs)


def static_table(df: pd.DataFrame) -> None:
    """`st.table` (a small static table) with its text escaped: st.table renders Markdown."""
    shown = df.rename(columns=lambda c: escape_markdown(c)).map(
        lambda v: escape_markdown(v) if isinstance(v, str) else v
    )
    st.table(shown)


def caption(what: str, filters: Filters, model: Model) -> None:
    """Chart caption: what it shows, from what data, under which filters."""
    st.caption(f"{what} {filters.describe(model.labels)}")


@contextmanager
def progress(label: str, seconds: float) -> Iterator[Callable[[float, str], None]]:
    """A progress bar for bounded work of at most `seconds`, and the `tick(seconds, state)`
    that moves it ("waiting" for a slot or "running"). Each tick is a drawing call, where
    Streamlit stops the script of a session that has ended (cbdash.analysis.bounded)."""
    bar = st.progress(0.0, text=label)

    def tick(elapsed: float, state: str) -> None:
        if state == "waiting":
            bar.progress(0.0, text=f"Waiting for another check to finish ({elapsed:.0f} s)…")
        else:
            done = min(elapsed / seconds, 1.0)
            bar.progress(done, text=f"{label} {elapsed:.0f} s of at most {seconds:.0f} s")

    try:
        yield tick
    finally:
        bar.empty()


def messages(kind: str, texts: Sequence[str], limit: int = 20) -> None:
    """Messages from a file or a link, as text (escaped: never a live link), one box of
    `kind` (error, warning) with at most `limit` lines and a count of the rest."""
    if not texts:
        return
    shown = [escape_markdown(t) for t in texts[:limit]]
    if len(texts) > limit:
        shown.append(f"… and {len(texts) - limit:,} more")
    getattr(st, kind)("\n\n".join(shown))


def empty_state(message: str) -> None:
    """Say in words that nothing matches (never a blank chart)."""
    st.info(message, icon=":material/filter_alt_off:")


def page_context(page: str | None = None) -> tuple[Model, Filters]:
    """The model and the filters for page `page` (the stem of its file in pages/), with
    the page's registered choices set up from the link and the URL kept in step. app.py
    draws the filters first on every run; a page run on its own (as in a page test) draws
    them itself."""
    if leave_legacy_pages_mode():  # a deep link opened first: route it through app.py
        st.rerun()
    model = get_model()
    filters = st.session_state.get(FRAME_FILTERS)
    if not isinstance(filters, Filters):
        filters = sidebar_filters(model)
    _init_choices(model, page)
    sync_url(page)
    return model, filters


COMPACT_TOP = (
    '<style>[data-testid="stMainBlockContainer"] { padding-top: 3rem !important; }</style>'
)


def compact_top() -> None:
    """Halve the space Streamlit leaves above a page's title (6rem), so that a sentence,
    its chart and its legend fit a 1280x720 window. Style-only HTML takes no space."""
    st.html(COMPACT_TOP)


def frame_filters(model: Model) -> Filters:
    """Called by app.py on every run: draw the sidebar filters and hand them to the page."""
    filters = sidebar_filters(model)
    st.session_state[FRAME_FILTERS] = filters
    return filters


@st.cache_resource(show_spinner="Checking for duplicate projects…", max_entries=2)
def _cached_clusters(path: str, stamp: float) -> pd.DataFrame:
    projects = _cached_model(path, stamp).inventory.projects
    return project_clusters(projects, Path(path) / "dedupe_reviewed.csv")


def get_clusters() -> pd.DataFrame:
    """The duplicate check on all projects, computed once per change of the data files."""
    path = data_dir()
    return _cached_clusters(str(path), _stamp(path))


@st.cache_resource(show_spinner="Ranking candidate pairs for review…", max_entries=2)
def _cached_queue(path: str, stamp: float) -> pd.DataFrame:
    projects = _cached_model(path, stamp).inventory.projects
    return inventory_queue(projects, Path(path) / "dedupe_reviewed.csv", QUEUE_K)


def get_review_queue() -> pd.DataFrame:
    """The review queue of all projects (pairs to decide), once per change of the data files."""
    path = data_dir()
    return _cached_queue(str(path), _stamp(path))
