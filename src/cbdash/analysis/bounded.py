"""Bounded work: a computation a person starts (checking an uploaded list) runs in a process
of its own, within limits stated before it starts.

- Size: the upload's bytes, rows and cells (`UPLOAD_LIMITS`) are checked by the reader
  (`cbdash.data.files`) before any matching; a file over them is refused with a message.
- Time and memory (`Budget`): the work runs in a child process (forked from a helper that
  has the libraries loaded, `ForkServer`, so it starts in milliseconds), killed when it
  runs past its seconds or its memory (resident size polled every POLL_SECONDS, plus an
  address-space cap as a backstop for a sudden spike). The app's server keeps its own CPU
  and memory for the other sessions: a check holds none of the server's locks and runs at
  a lower priority (NICENESS), so other sessions' reruns come first.
- Sessions: `run` calls `tick` between polls; the app draws progress there, and Streamlit
  stops a script at its next drawing call when its session has ended or asks to rerun,
  which kills the child (`finally`). At most MAX_JOBS run at once; others wait, then are
  told the server is busy.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from cbdash import dedupe
from cbdash.analysis.projects import check_list, queue_pairs, review_queue
from cbdash.data.files import MB, Limits, read_table_bytes, usable
from cbdash.data.lists import LIST_COLUMNS
from cbdash.data.validation import Report

POLL_SECONDS = 0.25
MAX_JOBS = 1  # checks at once, server-wide (a 2-core server keeps a core for its sessions)
WAIT_SECONDS = 60.0  # how long a check waits for another to finish before "busy"

UPLOAD_LIMITS = Limits(
    max_bytes=10 * MB, max_rows=10_000, max_cells=300_000, max_unpacked_bytes=50 * MB
)


@dataclass(frozen=True)
class Budget:
    """Seconds and bytes of memory (resident, the child process's whole) a job may use."""

    seconds: float
    memory_bytes: int

    def describe(self) -> str:
        """The budget in words, to state before any work starts."""
        return f"{self.seconds:,.0f} seconds and {self.memory_bytes / MB:,.0f} MB of memory"


# A list of 10,000 rows takes about 5 s and 270 MB to check on an idle 2-core machine (the
# shipped inventory), about 20 s while other work loads both cores: the budget leaves room
# for a busy server.
CHECK_BUDGET = Budget(seconds=30.0, memory_bytes=500 * MB)
# The review queue compares each row with its nearest names: 13 s and 280 MB for 2,000 rows,
# 85 s and 830 MB for 10,000. A longer list is checked without it.
QUEUE_MAX_ROWS = 2_000


class Outcome(NamedTuple):
    """A job's value, or why there is none (`problem`, a sentence for people)."""

    value: Any
    problem: str | None


_SLOTS = threading.BoundedSemaphore(MAX_JOBS)


class ForkServer:
    """A helper process with the libraries imported that forks one child per job, so a
    job starts in milliseconds in a fresh process that can be killed whole. Started on
    first use (`python -c ... serve(socket)`); it exits when this process goes away (its
    stdin closes). Plain fork and a socket rather than multiprocessing, which would run
    the calling script's `__main__` again in the child (under Streamlit, the page)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._path = ""

    def connect(self) -> socket.socket:
        """A connection to a fresh child of the fork server (started if need be)."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(self._path)
        return sock

    def _start(self) -> None:
        folder = tempfile.mkdtemp(prefix="cbdash-jobs-")
        self._path = os.path.join(folder, "socket")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            "OPENBLAS_NUM_THREADS": "1",
        }
        code = "from cbdash.analysis.bounded import serve; import sys; serve(sys.argv[1])"
        self._process = subprocess.Popen(
            [sys.executable, "-c", code, self._path], stdin=subprocess.PIPE, env=env
        )
        deadline = time.monotonic() + START_SECONDS
        while not os.path.exists(self._path):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the job server did not start")
            time.sleep(0.02)


FORK_SERVER = ForkServer()
START_SECONDS = 60.0
NICENESS = 10  # the fork server and its jobs run at a lower priority than the app


def serve(path: str) -> None:
    """The fork server's loop: accept a connection, fork a child that runs one job on it;
    exit when stdin closes (the app's server is gone)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    os.nice(NICENESS)  # jobs yield the CPU to the app's sessions
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    listener.listen(64)
    os.rename(path + ".tmp", path)  # ready
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1):
            os._exit(0)
        if listener in ready:
            conn, _ = listener.accept()
            if os.fork() == 0:
                listener.close()
                _run_one(conn)
                os._exit(0)
            conn.close()


def _run_one(conn: socket.socket) -> None:
    """In a forked child: send the pid, receive (job, args, memory bytes), run, send
    ("ok", value), ("memory", None) or ("error", message)."""
    stream = conn.makefile("rwb")
    pickle.dump(os.getpid(), stream)
    stream.flush()
    job, args, memory_bytes = pickle.load(stream)
    try:
        size = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = size + 2 * memory_bytes  # a backstop: the parent polls the resident size
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (OSError, ValueError):
        pass
    try:
        result: tuple[str, Any] = ("ok", job(*args))
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # reported to the person; the server stays up
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.flush()
    except MemoryError:
        pass


def resident_bytes(pid: int) -> int | None:
    """Resident set size of process `pid` (from /proc), None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/statm").read_text()
    except OSError:
        return None
    return int(text.split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run(
    job: Callable[..., Any],
    args: tuple,
    budget: Budget,
    tick: Callable[[float, str], None] = lambda elapsed, state: None,
    wait_seconds: float = WAIT_SECONDS,
) -> Outcome:
    """`job(*args)` in a child process within `budget`. `tick(seconds, state)` is called
    every POLL_SECONDS while it waits for a slot ("waiting") and while it runs ("running");
    an exception raised there (a session that ended) stops the job."""
    start = time.monotonic()
    while not _SLOTS.acquire(timeout=POLL_SECONDS):
        waited = time.monotonic() - start
        if waited > wait_seconds:
            return Outcome(None, "The server is busy checking other lists; try again shortly.")
        tick(waited, "waiting")
    try:
        return _run_child(job, args, budget, tick)
    finally:
        _SLOTS.release()


def _run_child(
    job: Callable[..., Any], args: tuple, budget: Budget, tick: Callable[[float, str], None]
) -> Outcome:
    over_memory = (
        f"The check needed more than {budget.memory_bytes / MB:,.0f} MB of memory and was "
        "stopped; split the list into smaller parts."
    )
    sock = FORK_SERVER.connect()
    stream = sock.makefile("rwb")
    pid: int | None = None
    done = False
    try:
        pid = pickle.load(stream)
        start = time.monotonic()
        pickle.dump((job, args, budget.memory_bytes), stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.flush()
        while True:
            ready, _, _ = select.select([sock], [], [], POLL_SECONDS)
            if ready:
                try:
                    status, value = pickle.load(stream)
                except (EOFError, pickle.UnpicklingError):  # killed by the system
                    return Outcome(None, over_memory)
                done = True
                if status == "ok":
                    return Outcome(value, None)
                if status == "memory":
                    return Outcome(None, over_memory)
                return Outcome(None, f"The check failed: {value}")
            elapsed = time.monotonic() - start
            if elapsed > budget.seconds:
                return Outcome(
                    None,
                    f"The check did not finish within {budget.seconds:,.0f} seconds and was "
                    "stopped; split the list into smaller parts.",
                )
            rss = resident_bytes(pid)
            if rss is not None and rss > budget.memory_bytes:
                return Outcome(None, over_memory)
            tick(elapsed, "running")
    finally:
        if pid is not None and not done:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        stream.close()
        sock.close()


class ListCheck(NamedTuple):
    """An uploaded project list checked against the inventory: one row per listed project
    (projects.CHECK_COLUMNS), the reader's and the check's warnings, how many rows are
    inventory projects and how many are listed twice, and its review queue
    (projects.queue_pairs: each row's most probable candidates in the inventory and in the
    list; empty for a list of over QUEUE_MAX_ROWS rows); or the errors that stopped it."""

    rows: pd.DataFrame
    warnings: list[str]
    known: int
    repeated: int
    queue: pd.DataFrame
    errors: list[str]


def refused(errors: list[str]) -> ListCheck:
    """A ListCheck that did not run, with the reasons."""
    return ListCheck(pd.DataFrame(), [], 0, 0, pd.DataFrame(), errors)


def check_upload(raw: bytes, name: str, inventory: pd.DataFrame, k: int = 5) -> ListCheck:
    """Read an uploaded project list (CSV, TSV or XLSX) within UPLOAD_LIMITS, check it
    against the inventory's projects (`projects.flat` form) and make its review queue of `k`
    candidates a row. Runs in the child process."""
    report = Report()
    frame = read_table_bytes(raw, name, report, LIST_COLUMNS, UPLOAD_LIMITS)
    messages = [str(i) for i in report.issues]
    if frame is None or not usable(report):
        return refused([str(i) for i in report.errors] or ["the file holds no table"])
    if "title" in frame.columns and "project_id" not in frame.columns:
        first = int(frame.attrs.get("first_data_row", 2))
        frame.insert(0, "project_id", [f"row {first + pos}" for pos in range(len(frame))])
    try:
        new, warnings = dedupe.parse_projects(frame.to_csv(index=False).encode("utf-8"), name)
    except dedupe.DedupeInputError as exc:
        return refused(list(exc.messages))
    rows = check_list(new, inventory)
    queue = pd.DataFrame()
    if len(new) <= QUEUE_MAX_ROWS:
        titles = dict(zip(new["project_id"], new["title"], strict=True))
        queue = queue_pairs(review_queue(new, k, known=inventory), titles)
    return ListCheck(
        rows,
        [m for m in messages if m.startswith("WARNING")] + list(warnings),
        int((rows["inventory_project"] != "").sum()),
        int((rows["same_as_rows"] != "").sum()),
        queue,
        [],
    )
