"""Bounded work (issue #16, defect 1): a check runs in a process of its own within its
limits and budget, stops when its session ends, and is refused at once when too big."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cbdash.analysis import bounded
from cbdash.analysis.bounded import MB, Budget, run
from cbdash.analysis.model import build_model
from tests.faults import jobs

pytestmark = pytest.mark.serial  # times work or loads the machine: run alone

BUDGET = Budget(seconds=5.0, memory_bytes=400 * MB)


@pytest.fixture(scope="module")
def model():
    from tests.conftest import FIXTURE_DIR

    return build_model(FIXTURE_DIR)


def _gone(pid: int) -> bool:
    return (
        not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    )


def test_a_job_runs_in_another_process_and_returns_its_value():
    assert run(jobs.answer, (21,), BUDGET) == (42, None)
    value, problem = run(jobs.pid_then_sleep, (0.0,), BUDGET)
    assert problem is None and value != os.getpid()


def test_a_job_past_its_seconds_is_stopped_and_killed():
    start = time.monotonic()
    value, problem = run(jobs.pid_then_sleep, (30.0,), Budget(1.0, 400 * MB), lambda s, st: None)
    assert time.monotonic() - start < 3
    assert value is None
    assert problem == (
        "The check did not finish within 1 seconds and was stopped; split the list into "
        "smaller parts."
    )


def test_a_job_past_its_memory_is_stopped():
    value, problem = run(jobs.grow, (2000,), Budget(30.0, 300 * MB))
    assert value is None
    assert problem.startswith("The check needed more than 300 MB of memory")


def test_a_session_that_ends_stops_its_job_at_once():
    class SessionEnded(BaseException):  # as Streamlit's StopException
        pass

    pids = []

    def tick(seconds, state):
        pids.extend(p for p in _children() if p not in pids)
        if seconds > 0.5:
            raise SessionEnded

    start = time.monotonic()
    with pytest.raises(SessionEnded):
        run(jobs.pid_then_sleep, (30.0,), BUDGET, tick)
    assert time.monotonic() - start < 2
    time.sleep(0.2)
    assert pids and all(_gone(p) for p in pids)


def _children() -> list[int]:
    """Processes forked by the fork server (its children)."""
    server = bounded.FORK_SERVER._process
    if server is None:
        return []
    path = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_a_busy_server_says_so():
    assert bounded._SLOTS.acquire(timeout=5)
    try:
        waits = []
        value, problem = run(jobs.answer, (1,), BUDGET, lambda s, st: waits.append(st), 0.6)
    finally:
        bounded._SLOTS.release()
    assert value is None and problem.startswith("The server is busy")
    assert set(waits) == {"waiting"}


def test_a_failing_job_is_a_message():
    assert run(jobs.fail, (), BUDGET) == (None, "The check failed: ValueError: a bug in the job")


def test_a_list_over_the_byte_limit_is_refused_before_any_work(model):
    from cbdash.present.views import projects as projects_view

    raw = b"project_id,title\n" + b"p0000000,A project title of forty characters\n" * 1_000_000
    ticks = []
    start = time.monotonic()
    check = projects_view.projects_check_list(model, raw, "big.csv", lambda s, st: ticks.append(s))
    assert time.monotonic() - start < 0.5 and not ticks  # no process, no waiting
    assert check.errors == [
        "big.csv is 45.0 MB, over the limit of at most 10,000 rows, 300,000 cells and 10 MB "
        "(50 MB unpacked for XLSX)."
    ]


def test_a_list_over_the_row_limit_is_refused_with_the_limit():
    raw = b"project_id,title\n" + b"".join(b"p%d,a\n" % i for i in range(1_000_000))
    assert len(raw) < bounded.UPLOAD_LIMITS.max_bytes  # small enough to be read
    start = time.monotonic()
    check = bounded.check_upload(raw, "million.csv", None)
    assert time.monotonic() - start < 5
    assert check.errors == [
        "ERROR: million.csv: 1,000,000 rows and 2,000,000 cells, over the limit of 10,000 "
        "rows and 300,000 cells; split the file"
    ]


def _inventory():
    from cbdash.analysis.projects import flat
    from tests.conftest import FIXTURE_DIR

    return flat(build_model(FIXTURE_DIR).inventory.projects)


def test_an_uploaded_list_is_read_by_the_one_reader():
    """Excel's "Unicode text" (UTF-16, tabs) and a title row read as the import reads them."""
    text = "Exported from Portal X\t\nproject_id\ttitle\nx1\tKCT\nx2\tSomething else\n"
    check = bounded.check_upload(text.encode("utf-16"), "theirs.txt", _inventory())
    assert check.errors == []
    assert list(check.rows["title"]) == ["KCT", "Something else"]
    assert check.known == 1  # KCT is an alias of p1
    assert any("header found on row 2" in w for w in check.warnings)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            b"project_id,title,title,funders\np1,a,b,c\n",
            "list.csv, row 1, field 'title': column 'title' appears twice (columns 2 and 3)",
        ),
        (
            "project_id,title\np1,evil\u202egnp.exe\n".encode(),
            "list.csv, row 2, field 'title': holds U+202E (RIGHT-TO-LEFT OVERRIDE)",
        ),
        (b"project_id,title\np1,a\x00b\n", "list.csv, row 2, field 'title': holds U+0000 (NUL)"),
    ],
)
def test_an_uploaded_list_the_reader_refuses_is_not_checked(raw, message):
    check = bounded.check_upload(raw, "list.csv", _inventory())
    assert check.rows.empty
    assert any(message in e for e in check.errors), check.errors
