"""The Streamlit internals `make bench` relies on (bench/streamlit_internals.py) are still there
in the installed Streamlit. A failure here after a Streamlit upgrade names what changed: adapt
bench/streamlit_internals.py to it."""

from __future__ import annotations

import cProfile
import inspect
import re
from pathlib import Path

import pytest

from bench import streamlit_internals as st_internals


def test_forward_msg_has_the_script_finished_message_and_its_statuses():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    types = ForwardMsg.DESCRIPTOR.oneofs_by_name["type"]
    assert "script_finished" in [f.name for f in types.fields]
    statuses = set(ForwardMsg.ScriptFinishedStatus.keys())
    assert st_internals.DONE_STATUSES.issubset(statuses)
    assert "FINISHED_EARLY_FOR_RERUN" in statuses  # the one status that is not "done"


@pytest.mark.parametrize(
    ("status", "done"),
    [
        ("FINISHED_SUCCESSFULLY", True),
        ("FINISHED_FRAGMENT_RUN_SUCCESSFULLY", True),
        ("FINISHED_WITH_COMPILE_ERROR", True),
        ("FINISHED_EARLY_FOR_RERUN", False),
    ],
)
def test_script_finished_frames(status, done):
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.script_finished = ForwardMsg.ScriptFinishedStatus.Value(status)
    assert st_internals.finished_status(msg.SerializeToString()) == status
    assert st_internals.script_finished(msg.SerializeToString()) is done


def test_other_frames_are_not_script_finished():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    other = ForwardMsg()
    other.delta.new_element.markdown.body = "x"
    assert st_internals.finished_status(other.SerializeToString()) is None
    assert not st_internals.script_finished(other.SerializeToString())
    assert not st_internals.script_finished(b"\xff not a message")
    assert not st_internals.script_finished("text frame")


def test_rerun_request_is_a_back_msg_asking_for_the_default_page():
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.ParseFromString(st_internals.rerun_request())
    assert msg.WhichOneof("type") == "rerun_script"
    assert msg.rerun_script.query_string == ""
    msg.ParseFromString(st_internals.rerun_request("page=topics"))
    assert msg.rerun_script.query_string == "page=topics"


def test_the_script_runner_runs_scripts_through_the_wrapped_function():
    import streamlit.runtime.scriptrunner.script_runner as runner

    params = list(inspect.signature(runner.exec_func_with_error_handling).parameters)
    assert params == ["func", "ctx"]


def test_profiled_script_runs_profile_only_after_start():
    import streamlit.runtime.scriptrunner.script_runner as runner
    from streamlit.testing.v1 import AppTest

    original = runner.exec_func_with_error_handling
    profiler = cProfile.Profile()
    at = AppTest.from_string("import math\nmath.factorial(3000)")
    with st_internals.profiled_script_runs(profiler) as start:
        at.run()
        assert profiler.getstats() == []  # not started yet
        start()
        at.run()
    assert not at.exception
    assert any("factorial" in str(entry.code) for entry in profiler.getstats())
    assert runner.exec_func_with_error_handling is original


def _frontend_bundle() -> str:
    import streamlit

    static = Path(streamlit.__file__).parent / "static"
    return "\n".join(p.read_text(errors="replace") for p in static.rglob("*.js"))


def test_the_frontend_still_has_what_the_benchmark_looks_for():
    bundle = _frontend_bundle()
    missing = [s for s in st_internals.FRONTEND_STRINGS if s not in bundle]
    assert missing == [], f"not in Streamlit's JavaScript any more: {missing}"


def test_every_test_id_the_benchmark_uses_is_checked():
    snippets = [
        st_internals.DRAWN_JS,
        st_internals.ERRORS_JS,
        st_internals.MULTISELECT,
        st_internals.MAIN_TITLE,
    ]
    used = {t for s in snippets for t in re.findall(r'data-testid="(\w+)"', s)}
    assert len(used) >= 8
    unchecked = [t for t in used if not any(t.startswith(s) for s in st_internals.FRONTEND_STRINGS)]
    assert unchecked == []
