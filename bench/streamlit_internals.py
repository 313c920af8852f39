"""Every use the benchmark makes of Streamlit beyond its public API, in one place.

- the server's endpoints: the health check, and the websocket a browser's client speaks
  Streamlit's protocol on;
- the protocol's messages (protobuf): `ForwardMsg.script_finished` marks the end of a
  script run, `BackMsg.rerun_script` asks for one;
- the script runner's `exec_func_with_error_handling(func, ctx)`, which runs each script
  run and is wrapped to profile one;
- the frontend's DOM: `data-testid` attributes, the app's connection and script states,
  the multiselect's "Select all" and "Clear all".

tests/test_bench_streamlit_internals.py checks each against the installed Streamlit, so an
upgrade that changes one fails there, by name, instead of as a benchmark that hangs or
measures nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import cProfile

HEALTH_PATH = "/_stcore/health"
STREAM_PATH = "/_stcore/stream"
STREAM_SUBPROTOCOL = "streamlit"

# Statuses of a script run that has ended and drawn what it will draw (not cut short by a rerun).
DONE_STATUSES = frozenset(
    {"FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY", "FINISHED_WITH_COMPILE_ERROR"}
)


def finished_status(payload: bytes) -> str | None:
    """The status name (e.g. "FINISHED_SUCCESSFULLY") when a websocket frame from the server
    is a "script finished" message; None for any other message. Raises
    google.protobuf.message.DecodeError for a frame that is not a ForwardMsg."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.ParseFromString(payload)
    if msg.WhichOneof("type") != "script_finished":
        return None
    return ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)


def script_finished(payload: bytes | str) -> bool:
    """True when a websocket frame is Streamlit's "script run finished" message."""
    if isinstance(payload, str):
        return False
    try:
        return finished_status(payload) in DONE_STATUSES
    except Exception:  # a frame that is not a ForwardMsg
        return False


def rerun_request(query_string: str = "") -> bytes:
    """The message a browser's client sends to run the page at `query_string` ("" is the
    default page, as a plain link opens it)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    request = BackMsg()
    request.rerun_script.query_string = query_string
    return request.SerializeToString()


@contextmanager
def profiled_script_runs(profiler: cProfile.Profile) -> Iterator[Callable[[], None]]:
    """Within the block, every script run after the yielded `start()` has been called is
    profiled by `profiler`, in the thread Streamlit runs it in (AppTest's as well)."""
    import streamlit.runtime.scriptrunner.script_runner as runner

    original = runner.exec_func_with_error_handling
    armed = False

    def profiled(func, ctx):
        if not armed:
            return original(func, ctx)
        profiler.enable()
        try:
            return original(func, ctx)
        finally:
            profiler.disable()

    def start() -> None:
        nonlocal armed
        armed = True

    runner.exec_func_with_error_handling = profiled
    try:
        yield start
    finally:
        runner.exec_func_with_error_handling = original


# --- the frontend's DOM ------------------------------------------------------------------------

# Everything visible is drawn and no script run is pending: connected, the script not running,
# a title (or an exception) in the main area, nothing stale, no element still a loading
# skeleton (Streamlit loads chart and widget code lazily), every visible plotly chart with its
# SVG and every visible map with its canvas.
DRAWN_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  if (!main.querySelector('h1') && !main.querySelector('[data-testid="stException"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (main.querySelector('[data-testid="stSkeleton"]')) return false;  // a lazy element loading
  const shown = (el) => el.getClientRects().length > 0;
  const need = [
    ['[data-testid="stPlotlyChart"]', '.main-svg'],
    ['[data-testid="stDeckGlJsonChart"]', 'canvas'],
  ];
  for (const [outer, inner] of need) {
    for (const el of main.querySelectorAll(outer)) {
      if (shown(el) && !el.querySelector(inner)) return false;
    }
  }
  return true;
}"""
# The texts of the exceptions and error boxes on the page.
ERRORS_JS = """() => Array.from(document.querySelectorAll(
  '[data-testid="stException"], [data-testid="stAlertContentError"]'
)).map(e => e.innerText.slice(0, 200))"""
MULTISELECT = '[data-testid="stMultiSelect"]'
MAIN_TITLE = '[data-testid="stMain"] h1'
SELECT_ALL = "Select all"  # the multiselect's first option, not a topic
CLEAR_ALL = "Clear all"  # the multiselect's button that empties it

# Strings the above rely on, each to be found in Streamlit's JavaScript bundle ("stAlertContent"
# is followed there by the alert's kind, e.g. "Error").
FRONTEND_STRINGS = (
    "stApp",
    "data-test-connection-state",
    "CONNECTED",
    "data-test-script-state",
    "notRunning",
    "stMain",
    "data-stale",
    "stSkeleton",
    "stPlotlyChart",
    "main-svg",
    "stDeckGlJsonChart",
    "stException",
    "stAlertContent",
    "stMultiSelect",
    SELECT_ALL,
    CLEAR_ALL,
    HEALTH_PATH.lstrip("/"),
    STREAM_PATH.lstrip("/"),
)
