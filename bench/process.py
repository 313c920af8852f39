"""The app under `streamlit run`, and what /proc says about processes: peak memory, CPU time."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.chromium import CHROMIUM
from bench.data import DATA_ENV
from bench.pages import REPO
from bench.streamlit_internals import HEALTH_PATH


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident set size (VmHWM) of a process in MB, from /proc."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_seconds() -> dict[int, float]:
    """CPU seconds so far of every Chromium process on the machine (the benchmark's browser:
    the main process, GPU process and one renderer per context), by pid."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if CHROMIUM.name.encode() not in (entry / "cmdline").read_bytes():
                continue
        except OSError:
            continue
        cpu = cpu_seconds(int(entry.name))
        if cpu is not None:
            out[int(entry.name)] = cpu
    return out


class StreamlitServer:
    """`streamlit run <script>` on a free port of 127.0.0.1 with CBDASH_DATA_DIR set; its
    output goes to `log_path`."""

    def __init__(self, script: Path, data_dir: Path, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, DATA_ENV: str(data_dir)}
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        self._log = log_path.open("w", encoding="utf-8")
        # fmt: off
        command = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
        ]
        # fmt: on
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait_healthy(self, timeout: float = 120) -> float:
        """Seconds from start until the health check answers."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}{HEALTH_PATH}", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.1)

    def peak_rss_mb(self) -> float | None:
        """The server's peak resident memory so far, in MB."""
        return peak_rss_mb(self.proc.pid)

    def stop(self) -> None:
        """Terminate the server (kill it after 15 s) and close its log."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()
