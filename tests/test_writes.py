"""Writes that cannot lose data (issue #16, defect 3): every data file is replaced through a
temporary file in its folder, fsynced and renamed; kill -9 at any moment of
`import --force` leaves the old target or the whole new one, never a damaged file."""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from cbdash.data.writes import csv_bytes, write_atomic, write_csv
from tests.conftest import FIXTURE_DIR, REPO

TRIES = 20


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path):
    target = tmp_path / "projects.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["projects.csv"]  # no temporary left


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "projects.csv"
    target.write_text("old\n")

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["projects.csv"]


def test_written_csv_is_formula_safe_unless_a_data_file(tmp_path):
    frame = pd.DataFrame({"title": ['=HYPERLINK("http://x")', "@SUM(A1)", "ok"], "n": [1, -2, 3]})
    write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == (
        b'title,n\r\n"\'=HYPERLINK(""http://x"")",1\r\n\'@SUM(A1),-2\r\nok,3\r\n'
    )
    assert csv_bytes(frame, safe=False).startswith(b'title,n\r\n"=HYPERLINK')


def _source(path: Path, rows: int) -> None:
    lines = ["project_id,title,funders,beneficiary_countries,start_year,end_year"]
    lines += [
        f"q{i},Synthetic cyber project {i} for Kenya,Donor {i % 7},KEN,2019,2021"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _read_until(lines: queue.Queue, prefix: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line.startswith(prefix):
            return line.strip()
    raise AssertionError(f"no '{prefix}' from the zygote")


def test_kill_9_during_import_force_never_leaves_a_damaged_target(tmp_path):
    """20 tries: 12 killed while the new file is being written, 8 at a random moment of
    the run; after each, the target is the old file or the whole new one."""
    source, target = tmp_path / "survey.csv", tmp_path / "data" / "projects.csv"
    _source(source, 3000)
    target.parent.mkdir()
    old = (REPO / "data" / "projects.csv").read_bytes()  # the real 297-row inventory
    argv = ["import", str(source), "--kind", "projects", "--out", str(target), "--force"]
    argv += ["--data", str(FIXTURE_DIR)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    zygote = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.killer", *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in zygote.stdout], daemon=True).start()
    rng = random.Random(16)
    try:
        # A run to the end gives the new file and how long a run takes.
        target.write_bytes(old)
        start = time.monotonic()
        zygote.stdin.write("go\n")
        zygote.stdin.flush()
        _read_until(lines, "pid ")
        assert _read_until(lines, "exit ") == "exit 0"
        run_seconds = time.monotonic() - start
        new = target.read_bytes()
        assert new != old and new.count(b"\n") == 3001
        outcomes = {"old": 0, "new": 0}
        for attempt in range(TRIES):
            target.write_bytes(old)
            zygote.stdin.write("go\n")
            zygote.stdin.flush()
            pid = int(_read_until(lines, "pid ").split()[1])
            if attempt < 12:  # in the middle of the write
                _read_until(lines, "writing")
                time.sleep(rng.uniform(0.0, 0.08))
            else:  # anywhere in the run
                time.sleep(rng.uniform(0.0, run_seconds))
            with contextlib.suppress(ProcessLookupError):  # unless it had finished
                os.kill(pid, signal.SIGKILL)
            _read_until(lines, "exit ")
            found = target.read_bytes()
            assert found in (old, new), f"try {attempt + 1}: damaged target ({len(found)} bytes)"
            outcomes["old" if found == old else "new"] += 1
        assert outcomes["old"] >= 12  # every kill inside the write kept the old file
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
