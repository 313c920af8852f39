"""`make bench`: measure the dashboard against the performance budgets of issue #6.

    python -m bench                      # everything; table on stdout, artifacts/bench.json
    python -m bench --skip-browser       # server-side AppTest timings only
    python -m bench --datasets shipped --pages home,topics --runs 5

Two datasets: the shipped `data/`, and a SYNTHETIC inventory of 1,000 mappings and 100,000
projects (`python -m cbdash synth`), generated once and cached in `artifacts/bench-data/`
under a name made of its parameters and a digest of the generator and its reference files.

For each dataset:

- **server**: every page of app.py run with `streamlit.testing.v1.AppTest` in a fresh
  process (`CBDASH_DATA_DIR` set), warmed up, then rerun `--runs` times; median and p95 of the
  rerun wall time, and the ratio to the server floor (`bench/floor_server.py`: the same
  sidebar widgets, no chart). The floor is timed before and after the pages; the mean of
  the two is used, which evens out drift in the machine's load. One more rerun of each page
  is profiled (cProfile): `artifacts/bench-profiles/<dataset>/<page>.txt`, and the heaviest
  functions of pages over budget are printed under the table.
- **browser**: `streamlit run` on 127.0.0.1 and headless Debian Chromium (Playwright):
  cold load (a fresh browser context, so nothing cached) until every visible chart and table
  is drawn; a sidebar filter change (pick a topic, then clear the topics, alternately; the
  first change of a session is not timed, on the floor as on every page) until the
  rerun's `script_finished` message has arrived and the page is drawn again; the payload bytes
  of the websocket frames received in between; the same for the browser floor
  (`bench/floor_browser.py`: the app's navigation and sidebar, one 10x10 plotly heatmap
  that follows the filters), whose filter changes are timed before and after the pages;
  the server's peak RSS (VmHWM); 20 browser contexts opening the home page at once (time
  until all are drawn, errors, the server's and the browser's CPU seconds meanwhile; on
  the browser's CPU seconds divided by the cores give a lower bound on the time to draw
  all, whatever the app; `--floor-viewers shipped` does the same on the browser floor, for
  comparison); 20 websocket sessions without browsers (the server's share).
- **why**: the (at most two) pages furthest over a browser time budget are profiled: two
  filter changes traced and CPU-profiled, and a traced cold load if that is over budget
  too; the heaviest trace events per thread and scripts by self time are printed under
  the table (e.g. the GPU process running software WebGL, V8 compiling, React, plotly.js).

"Drawn" means: the script is not running, the page title is there, nothing is stale, no
element is still a loading skeleton (Streamlit loads chart and widget code lazily), every
visible plotly chart has its SVG and every visible map its canvas, then two animation frames
have passed. Budgets are evaluated, never asserted; the exit code is 0
unless the harness itself fails.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "artifacts"
BENCH_DATA = ARTIFACTS / "bench-data"
PROFILES = ARTIFACTS / "bench-profiles"
SERVER_FLOOR = REPO / "bench" / "floor_server.py"
BROWSER_FLOOR = REPO / "bench" / "floor_browser.py"
CHROMIUM = Path(os.environ.get("CBDASH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DATA_ENV = "CBDASH_DATA_DIR"
SYNTH_INPUTS = (
    "src/cbdash/synth.py",
    "data/taxonomies.yaml",
    "data/groups.csv",
    "data/country_groups.csv",
    "data/region_aliases.csv",
    "data/crosswalk.csv",
    "data/geo/countries.geojson",
    "data/geo/points.csv",
)
VIEWERS = 20
CHANGES_PER_PAGE = 4  # server reruns after a filter change, per page
SCRIPT_SECONDS = 15.0  # timed AppTest runs per page stop after this (three at least)
SLOW_PAGE_SECONDS = 8.0  # a page whose cold load takes longer is loaded once only
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1366, "height": 900}
VIEWERS_POLL_MS = 100  # how often each viewer's page is checked for "drawn"
VIEWERS_TIMEOUT_MS = 90_000  # a viewer not drawn by then counts as an error
FILTER_LABEL = "Topics"

# metric -> dataset -> (kind, limit): "x" = at most limit times the floor, "max" = at most limit.
BUDGETS: dict[str, dict[str, tuple[str, float]]] = {
    "server rerun median (ms)": {"shipped": ("x", 3.0), "big": ("max", 250)},
    "filter change to redrawn (ms)": {"shipped": ("x", 1.5), "big": ("max", 1000)},
    "cold load to drawn (ms)": {"shipped": ("x", 1.5), "big": ("max", 4000)},
    "websocket KB per filter change": {"shipped": ("max", 300), "big": ("max", 600)},
    "server peak RSS (MB)": {"shipped": ("max", 350), "big": ("max", 800)},
    "20 viewers: all drawn (s)": {"shipped": ("max", 10), "big": ("max", 20)},
    "20 viewers: errors": {"shipped": ("max", 0), "big": ("max", 0)},
}
# Which floor measurement a floor-relative budget refers to.
FLOOR_OF = {
    "server rerun median (ms)": ("server", "median_ms"),
    "filter change to redrawn (ms)": ("browser", "filter_change_ms"),
    "cold load to drawn (ms)": ("browser", "cold_load_ms"),
}


@dataclass(frozen=True)
class Page:
    """A page of app.py: file stem, path and URL path ("" for the default page)."""

    name: str
    path: Path
    url_path: str


def app_pages(app: Path = REPO / "app.py") -> list[Page]:
    """The pages app.py registers with `st.Page("pages/<name>.py", ...)`, in its order."""
    pages = []
    for match in re.finditer(r'st\.Page\(\s*"pages/(\w+)\.py"([^)]*)\)', app.read_text()):
        name, rest = match.group(1), match.group(2)
        url = "" if "default=True" in rest else name
        pages.append(Page(name, app.parent / "pages" / f"{name}.py", url))
    return pages


# --- statistics -------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def summarise(values: Sequence[float]) -> dict[str, float | int | None]:
    """Median, p95, min, max and count of measurements (None when there are none)."""
    if not values:
        return {"median": None, "p95": None, "min": None, "max": None, "n": 0}
    return {
        "median": float(statistics.median(values)),
        "p95": percentile(values, 95),
        "min": float(min(values)),
        "max": float(max(values)),
        "n": len(values),
    }


# --- synthetic data ---------------------------------------------------------------------------


def synth_digest(repo: Path = REPO) -> str:
    """Digest of the generator and the reference files it copies (the cache key's tail)."""
    h = hashlib.sha256()
    for rel in SYNTH_INPUTS:
        path = repo / rel
        h.update(rel.encode())
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()[:10]


def synthetic_data(
    mappings: int, projects: int, seed: int = 42, root: Path = BENCH_DATA
) -> tuple[Path, float]:
    """The cached SYNTHETIC inventory for these parameters (made if missing) and the seconds
    spent making it (0.0 when it came from the cache)."""
    from cbdash.data.synth import synthesise

    stem = f"synth-m{mappings}-p{projects}-s{seed}"
    target = root / f"{stem}-{synth_digest()}"
    if (target / "projects.csv").exists():
        return target, 0.0
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(f"{stem}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    start = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{stem}-", dir=root))
    try:
        synthesise(tmp, mappings, projects, seed)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target, time.perf_counter() - start


# --- server side: AppTest -----------------------------------------------------------------------


def time_script(
    path: Path,
    warmup: int,
    runs: int,
    timeout: float = 600,
    max_seconds: float = SCRIPT_SECONDS,
    change_values: Sequence[str] = (),
) -> dict[str, Any]:
    """Run one script with AppTest: `warmup` runs, then `runs` timed reruns (milliseconds).

    A script slow enough to take more than `max_seconds` of timed runs stops after at least
    three, so that one slow page cannot blow the benchmark's own time budget. Then one rerun
    per value of `change_values`, each choosing that topic in the filter (see
    `filter_change_times`): the rerun time after a filter change, reported beside the budget."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(path), default_timeout=timeout)
    times: list[float] = []
    first_ms = None
    errors: list[str] = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        at.run()
        elapsed = (time.perf_counter() - start) * 1000
        if at.exception:
            errors.append(str(at.exception[0].message)[:300])
            break
        if i == 0:
            first_ms = elapsed
        if i >= warmup:
            times.append(elapsed)
            if len(times) >= 3 and sum(times) > max_seconds * 1000:
                break
    stats = summarise(times)
    changed = [] if errors else filter_change_times(at, change_values)
    return {
        "first_ms": first_ms,
        "median_ms": stats["median"],
        "p95_ms": stats["p95"],
        "runs_ms": times,
        "changed_median_ms": summarise(changed)["median"],
        "changed_ms": changed,
        "errors": errors,
    }


def filter_change_times(at: Any, values: Sequence[str]) -> list[float]:
    """Milliseconds of reruns that each pick another single topic in the sidebar filter: a
    filter state not seen before, so nothing kept per filter state (Model.memo) is reused."""
    times = []
    for value in values:
        widget = at.multiselect(key="filter_topics")
        start = time.perf_counter()
        widget.set_value([value]).run()
        elapsed = (time.perf_counter() - start) * 1000
        if at.exception:
            break
        times.append(elapsed)
    return times


def topic_ids(data_dir: Path, n: int = CHANGES_PER_PAGE) -> list[str]:
    """The first `n` topic ids of a data directory's taxonomy (values to switch the filter to)."""
    import yaml

    text = (data_dir / "taxonomies.yaml").read_text(encoding="utf-8")
    return [t["id"] for t in (yaml.safe_load(text) or {}).get("topics", [])][:n]


def profile_script(path: Path, out: Path, timeout: float = 600) -> list[dict[str, Any]]:
    """cProfile of one warm rerun of a script (in the thread AppTest runs it in). Writes the
    full listing to `out`; returns the app's and Streamlit's elements' heaviest functions."""
    import cProfile
    import io
    import pstats

    import streamlit.runtime.scriptrunner.script_runner as runner
    from streamlit.testing.v1 import AppTest

    original = runner.exec_func_with_error_handling
    profiler = cProfile.Profile()
    armed = False

    def profiled(func, ctx):
        if not armed:
            return original(func, ctx)
        profiler.enable()
        try:
            return original(func, ctx)
        finally:
            profiler.disable()

    runner.exec_func_with_error_handling = profiled
    try:
        at = AppTest.from_file(str(path), default_timeout=timeout)
        at.run()
        armed = True
        at.run()
    finally:
        runner.exec_func_with_error_handling = original
    stats = pstats.Stats(profiler)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(60)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text.getvalue())
    top = []
    for (file, line, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if any(part in file for part in ("/cbdash/", "/pages/", "/streamlit/elements/")):
            where = file.split("/src/")[-1].split("/site-packages/")[-1]
            top.append({"function": f"{where}:{line}({name})", "ms": cumulative * 1000})
    top.sort(key=lambda t: -t["ms"])
    return top[:12]


def server_bench(
    data_dir: Path, pages: Sequence[Page], warmup: int, runs: int, profiles: Path | None = None
) -> dict[str, Any]:
    """AppTest timings of the floor and every page, in this process (call it in a fresh one).
    With `profiles`, also a cProfile listing of one rerun of each page in that folder."""
    os.environ[DATA_ENV] = str(data_dir)
    values = topic_ids(data_dir)
    floor_before = time_script(SERVER_FLOOR, warmup, runs, change_values=values)  # loads model
    out: dict[str, Any] = {"model_first_run_ms": floor_before["first_ms"], "pages": {}}
    for page in pages:
        out["pages"][page.name] = time_script(page.path, warmup, runs, change_values=values)
        if profiles is not None and not out["pages"][page.name]["errors"]:
            out["pages"][page.name]["profile"] = profile_script(
                page.path, profiles / f"{page.name}.txt"
            )
    floor_after = time_script(SERVER_FLOOR, warmup, runs)
    medians = [f["median_ms"] for f in (floor_before, floor_after) if f["median_ms"] is not None]
    out["floor"] = {
        "median_ms": statistics.fmean(medians) if medians else None,
        "before": floor_before,
        "after": floor_after,
    }
    return out


def run_server_bench(
    data_dir: Path,
    pages: Sequence[Page],
    warmup: int,
    runs: int,
    log: Callable[[str], None],
    profiles: Path | None = None,
) -> dict[str, Any]:
    """`server_bench` in a fresh Python process (no cache shared with other datasets)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "server.json"
        command = [
            sys.executable,
            "-m",
            "bench.harness",
            "_server",
            "--data",
            str(data_dir),
            "--pages",
            ",".join(p.name for p in pages),
            "--warmup",
            str(warmup),
            "--runs",
            str(runs),
            "--json",
            str(out),
        ]
        if profiles is not None:
            command += ["--profiles", str(profiles)]
        proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        if proc.returncode != 0 or not out.exists():
            log(proc.stdout[-2000:] + proc.stderr[-4000:])
            raise RuntimeError(f"server benchmark failed on {data_dir}")
        return json.loads(out.read_text())


# --- browser side: streamlit run + Chromium ---------------------------------------------------


def free_port() -> int:
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


class Server:
    """`streamlit run <script>` on a free port of 127.0.0.1 with CBDASH_DATA_DIR set."""

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
        """Seconds from start until /_stcore/health answers."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.1)

    def peak_rss_mb(self) -> float | None:
        return peak_rss_mb(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


# Everything visible is drawn and no script run is pending (see the module docstring).
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
TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
ERRORS_JS = """() => Array.from(document.querySelectorAll(
  '[data-testid="stException"], [data-testid="stAlertContentError"]'
)).map(e => e.innerText.slice(0, 200))"""


def script_finished(payload: bytes | str) -> bool:
    """True when a websocket frame is Streamlit's "script run finished" message."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return False
    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:  # a frame that is not a ForwardMsg
        return False
    return msg.WhichOneof("type") == "script_finished" and msg.script_finished in (
        ForwardMsg.FINISHED_SUCCESSFULLY,
        ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
        ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    )


class Frames:
    """Counts the payload bytes of websocket frames a page receives while armed, and
    signals the end of the script run."""

    def __init__(self, page) -> None:
        self.armed = False
        self.bytes = 0
        self.finished = asyncio.Event()
        page.on("websocket", self._socket)

    def _socket(self, ws) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        if not self.armed:
            return
        self.bytes += len(payload)
        if script_finished(payload):
            self.finished.set()

    def arm(self) -> None:
        self.armed = True
        self.bytes = 0
        self.finished.clear()


async def wait_drawn(page, timeout: float = TIMEOUT_MS, polling: float | str = "raf") -> None:
    """Wait until DRAWN_JS holds, checking on every animation frame (or every `polling`
    milliseconds), then two more frames."""
    await page.wait_for_function(DRAWN_JS, polling=polling, timeout=timeout)
    await page.evaluate(TWO_FRAMES_JS)


async def cold_load(context, url: str) -> tuple[float, list[str], Any, Frames]:
    """Open `url` in a fresh context; seconds until drawn, errors, the page and its frames."""
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    frames = Frames(page)
    start = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    await wait_drawn(page)
    elapsed = time.perf_counter() - start
    errors += await page.evaluate(ERRORS_JS)
    return elapsed, errors, page, frames


async def filter_changes(
    page, frames: Frames, n: int, warmup: int = 1
) -> tuple[list[float], list[int], list[float]]:
    """`warmup` untimed, then n timed sidebar filter changes (pick a topic; clear the topics;
    pick another; ...): seconds from the click until the rerun has finished and the page is
    drawn, bytes received, and the seconds of that spent after the script_finished message
    (drawing in the browser). The first change of a session also loads the dropdown's code
    and pays one-off costs (about twice a later one, on the floor too), so it is not timed:
    every page and the floor are timed on the same kind of change."""
    times: list[float] = []
    sizes: list[int] = []
    drawing: list[float] = []
    box = page.get_by_role("combobox", name=FILTER_LABEL, exact=True)
    widget = page.locator('[data-testid="stMultiSelect"]').filter(has=box)

    async def close_dropdown() -> None:
        # A click beside the list closes it (Escape would leave the widget ignoring clicks).
        await page.locator('[data-testid="stMain"] h1').first.click()

    for i in range(warmup + n):
        if i % 2 == 0:
            await box.click()
            options = page.get_by_role("option").filter(has_not_text=re.compile("^Select all"))
            option = options.nth(i // 2)
            await option.wait_for(timeout=TIMEOUT_MS)
            action = option.click
        else:
            await close_dropdown()
            action = widget.get_by_role("button", name="Clear all").click
        frames.arm()
        start = time.perf_counter()
        await action()
        try:
            await asyncio.wait_for(frames.finished.wait(), TIMEOUT_MS / 1000)
        except TimeoutError as exc:
            step = "pick a topic" if i % 2 == 0 else "clear the topics"
            raise RuntimeError(f"filter change {i + 1} ({step}): no rerun finished") from exc
        finished = time.perf_counter()
        await wait_drawn(page)
        frames.armed = False
        if i >= warmup:
            times.append(time.perf_counter() - start)
            drawing.append(time.perf_counter() - finished)
            sizes.append(frames.bytes)
    return times, sizes, drawing


async def measure_page(
    browser, url: str, cold_runs: int, changes: int, slow_s: float = SLOW_PAGE_SECONDS
) -> dict[str, Any]:
    """Cold loads (each in a fresh context), then filter changes on the last one. A page
    whose first cold load takes over `slow_s` is loaded once only. A page that does not
    draw within the timeout is reported with the error; the benchmark goes on."""
    loads: list[float] = []
    errors: list[str] = []
    change_s: list[float] = []
    sizes: list[int] = []
    drawing: list[float] = []
    for i in range(cold_runs):
        context = await browser.new_context(viewport=VIEWPORT)
        try:
            elapsed, errs, page, frames = await cold_load(context, url)
            loads.append(elapsed)
            errors += errs
            last = i == cold_runs - 1 or elapsed > slow_s
            if last and changes:
                change_s, sizes, drawing = await filter_changes(page, frames, changes)
                errors += await page.evaluate(ERRORS_JS)
        except Exception as exc:  # a timeout or a page that broke: record it, go on
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            last = True
        finally:
            await context.close()
        if last:
            break
    return {
        "cold_load_ms": summarise([s * 1000 for s in loads])["median"],
        "cold_load_runs_ms": [s * 1000 for s in loads],
        "filter_change_ms": summarise([s * 1000 for s in change_s])["median"],
        "filter_change_runs_ms": [s * 1000 for s in change_s],
        "drawing_after_rerun_ms": [s * 1000 for s in drawing],
        "ws_bytes_per_change": summarise(sizes)["max"],  # the worst change counts
        "ws_bytes_runs": sizes,
        "errors": sorted(set(errors)),
    }


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def sessions(base_url: str, server_pid: int | None, n: int = VIEWERS) -> dict[str, Any]:
    """n websocket sessions ask the server for the home page at once, as a browser's
    Streamlit client does, without the browsers: seconds until every session has its
    "script finished" message, errors, and the server's CPU seconds. This is the server's
    share of n viewers; the 20-browser test also pays for 20 renderers on the same cores."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    url = base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
    request = BackMsg()
    request.rerun_script.query_string = ""  # the default page, as a plain link opens it

    async def one() -> float:
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
            await ws.send(request.SerializeToString())
            while True:
                reply = ForwardMsg()
                reply.ParseFromString(await ws.recv())
                if reply.WhichOneof("type") == "script_finished":
                    if reply.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                        raise RuntimeError(f"script finished with status {reply.script_finished}")
                    return time.perf_counter() - start

    cpu_before = None if server_pid is None else cpu_seconds(server_pid)
    start = time.perf_counter()
    results = await asyncio.gather(
        *(asyncio.wait_for(one(), VIEWERS_TIMEOUT_MS / 1000) for _ in range(n)),
        return_exceptions=True,
    )
    done = [r for r in results if isinstance(r, float)]
    return {
        "all_served_s": max(done) if len(done) == n else None,
        "served": len(done),
        "server_cpu_s": None
        if cpu_before is None or server_pid is None
        else (cpu_seconds(server_pid) or 0.0) - cpu_before,
        "errors": [f"{type(r).__name__}: {r}"[:200] for r in results if isinstance(r, Exception)],
    }


def _brief_sessions(s: dict[str, Any]) -> str:
    served = s["all_served_s"]
    return (
        f"websocket sessions without browsers: {s['served']} of {VIEWERS} served"
        + (f" in {served:.1f} s" if served is not None else "")
        + f", {len(s['errors'])} errors"
        + (f", server CPU {s['server_cpu_s']:.1f} s" if s["server_cpu_s"] is not None else "")
    )


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


async def viewers(browser, url: str, server_pid: int, n: int = VIEWERS) -> dict[str, Any]:
    """n browser contexts open `url` at once: seconds until all are drawn, errors, and the
    CPU seconds the server spent meanwhile (to tell a slow server from a busy browser)."""
    contexts = [await browser.new_context(viewport=VIEWPORT) for _ in range(n)]
    errors: list[str] = []

    async def one(context) -> float:
        page = await context.new_page()
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        await page.goto(url, wait_until="commit", timeout=VIEWERS_TIMEOUT_MS)
        # Checked every VIEWERS_POLL_MS, not on every frame: twenty pages evaluating a
        # script 60 times a second keep the renderers busy drawing frames for the harness.
        await wait_drawn(page, VIEWERS_TIMEOUT_MS, polling=VIEWERS_POLL_MS)
        errors.extend(await page.evaluate(ERRORS_JS))
        return time.perf_counter() - start

    cpu_before = cpu_seconds(server_pid)
    browser_before = browser_cpu_seconds()
    start = time.perf_counter()
    results = await asyncio.gather(*(one(c) for c in contexts), return_exceptions=True)
    total = time.perf_counter() - start
    cpu_after = cpu_seconds(server_pid)
    browser_after = browser_cpu_seconds()  # before the contexts close and take renderers along
    done = [r for r in results if isinstance(r, float)]
    errors += [
        f"{type(r).__name__}: {str(r).splitlines()[0][:200]}"
        for r in results
        if isinstance(r, Exception)
    ]
    for context in contexts:
        await context.close()
    return {
        "all_drawn_s": total if len(done) == n else None,
        "drawn": len(done),
        "median_s": summarise(done)["median"],
        "server_cpu_s": None if cpu_before is None else cpu_after - cpu_before,
        "browser_cpu_s": sum(
            cpu - browser_before.get(pid, 0.0) for pid, cpu in browser_after.items()
        ),
        "cores": os.cpu_count(),
        "errors": errors,
    }


async def browser_bench_async(
    data_dir: Path,
    pages: Sequence[Page],
    settings: BrowserSettings,
    log: Callable[[str], None],
    label: str,
) -> dict[str, Any]:
    """The browser metrics of one dataset: the floor first, then the app's pages, then the
    floor's filter changes again (the floor server stays up meanwhile, idle)."""
    from playwright.async_api import async_playwright

    out: dict[str, Any] = {"pages": {}}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            floor = Server(BROWSER_FLOOR, data_dir, ARTIFACTS / f"bench-{label}-floor.log")
            app: Server | None = None
            try:
                try:
                    floor.wait_healthy()
                    await cold_load_and_close(browser, floor.url)  # loads the model
                    out["floor"] = await measure_page(
                        browser, floor.url, settings.floor_cold_runs, settings.floor_changes
                    )
                    log(f"  browser floor: {_brief(out['floor'])}")
                    if settings.floor_viewers:
                        out["floor"]["viewers"] = await viewers(
                            browser, f"{floor.url}/", floor.proc.pid
                        )
                        log(f"  {VIEWERS} viewers of the floor: {_brief_viewers(out['floor'])}")
                    # Started once the floor is measured (loading the model takes the CPU).
                    app = Server(REPO / "app.py", data_dir, ARTIFACTS / f"bench-{label}-app.log")
                    out["server_start_s"] = app.wait_healthy()
                    start = time.perf_counter()
                    await cold_load_and_close(browser, app.url)
                    out["first_load_s"] = time.perf_counter() - start
                    for page in pages:
                        url = f"{app.url}/{page.url_path}"
                        out["pages"][page.name] = await measure_page(
                            browser, url, settings.cold_runs, settings.changes
                        )
                        log(f"  browser {page.name}: {_brief(out['pages'][page.name])}")
                    # The floor's filter changes again, after the pages: the machine's speed
                    # drifts over a run, so the budget is the mean of before and after.
                    again = await measure_page(browser, floor.url, 1, settings.floor_changes)
                    log(f"  browser floor again: {_brief(again)}")
                    _average_floor(out["floor"], again)
                finally:
                    floor.stop()
                assert app is not None  # reached only when the pages were measured
                for name, metrics in over_budget(out, label)[: settings.profiled_pages]:
                    url = f"{app.url}/{next(p.url_path for p in pages if p.name == name)}"
                    changes = 2 if "filter change to redrawn (ms)" in metrics else 0
                    cold = "cold load to drawn (ms)" in metrics
                    profile = await browser_profile(browser, url, changes, trace_cold=cold)
                    out["pages"][name]["browser_profile"] = profile
                    for part in ("changes", "cold"):
                        if part in profile:
                            log(f"  profile {name} {part}: {_brief_profile(profile, part)}")
                out["sessions"] = await sessions(app.url, app.proc.pid)
                log(f"  {VIEWERS} {_brief_sessions(out['sessions'])}")
                out["viewers"] = await viewers(browser, f"{app.url}/", app.proc.pid)
                log(f"  {VIEWERS} viewers of the home page: {_brief_viewers(out)}")
                out["rss_mb"] = app.peak_rss_mb()
            finally:
                if app is not None:
                    app.stop()
        finally:
            await browser.close()
    return out


def _average_floor(floor: dict[str, Any], again: dict[str, Any]) -> None:
    """The floor's filter-change median as the mean of its value before the pages and
    `again` after them (both kept), as the server floor is timed before and after."""
    before, after = floor.get("filter_change_ms"), again.get("filter_change_ms")
    floor["filter_change_before_ms"], floor["filter_change_after_ms"] = before, after
    if before is not None and after is not None:
        floor["filter_change_ms"] = (before + after) / 2
    floor["errors"] = sorted(set(floor.get("errors", [])) | set(again.get("errors", [])))


@dataclass(frozen=True)
class BrowserSettings:
    """How many browser measurements to take (the defaults fit `make bench` in 10 minutes)."""

    cold_runs: int = 2
    changes: int = 4  # timed, after a warm-up: as many as the floor
    floor_cold_runs: int = 3
    floor_changes: int = 4
    floor_viewers: bool = False
    profiled_pages: int = 2  # the pages most over a browser budget get a browser profile


def _brief_viewers(r: dict[str, Any]) -> str:
    v = r["viewers"]
    drawn = v["all_drawn_s"]
    cpu = v.get("server_cpu_s")
    return (
        f"{v['drawn']} of {VIEWERS} drawn"
        + (f" in {drawn:.1f} s" if drawn is not None else "")
        + f", {len(v['errors'])} errors"
        + (f", server CPU {cpu:.1f} s" if cpu is not None else "")
        + (
            f", browser CPU {v['browser_cpu_s']:.1f} s on {v.get('cores')} cores (the "
            f"browsers alone keep every core busy for "
            f"{v['browser_cpu_s'] / (v.get('cores') or 1):.0f} s)"
            if v.get("browser_cpu_s") is not None
            else ""
        )
    )


# --- where the browser's time goes (for the rows over budget) ------------------------------------

TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8",
    "gpu",
    "blink",
    "cc",
    "viz",
]
# Scheduling wrappers: their self time is the gaps between what they run, not work.
_WRAPPER_EVENTS = {"RunTask", "ThreadControllerImpl::RunTask", "Scheduler::RunTask"}


def trace_self_times(events: Sequence[dict[str, Any]], top: int = 12) -> list[dict[str, Any]]:
    """The `top` (thread, event) pairs of a Chrome trace by self time: each complete event's
    duration minus that of the events nested in it on the same thread, summed per thread
    name and event name (e.g. CrGpuMain / WebGL, CrRendererMain / v8.compile)."""
    threads = {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
    }
    by_thread: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["dur"], e["name"]))
    totals: dict[tuple[str, str], float] = {}
    for key, spans in by_thread.items():
        thread = threads.get(key, "?")
        spans.sort(key=lambda x: (x[0], -x[1]))
        stack: list[list[Any]] = []  # [end, name, duration, nested duration]

        def close(entry: list[Any], thread: str = thread) -> None:
            own = max(entry[2] - entry[3], 0.0)
            totals[(thread, entry[1])] = totals.get((thread, entry[1]), 0.0) + own

        for ts, dur, name in spans:
            while stack and ts >= stack[-1][0]:
                close(stack.pop())
            if stack:
                stack[-1][3] += min(dur, stack[-1][0] - ts)
            stack.append([ts + dur, name, dur, 0.0])
        while stack:
            close(stack.pop())
    ranked = sorted(
        ((k, v) for k, v in totals.items() if k[1] not in _WRAPPER_EVENTS),
        key=lambda kv: -kv[1],
    )
    return [{"thread": t, "event": n, "ms": v / 1000} for (t, n), v in ranked[:top]]


def js_self_times(profile: dict[str, Any], top: int = 8) -> list[dict[str, Any]]:
    """Self time (ms) of a V8 CPU profile by script, largest first: bundle names without
    their content hash (PlotlyChart, react-dom, ...), or V8's own entries such as
    "(program)" (the browser's native work: style, layout, paint) and "(garbage collector)"."""
    nodes = {n["id"]: n["callFrame"] for n in profile["nodes"]}
    samples = profile.get("samples") or []
    if not samples:
        return []
    interval_ms = (profile["endTime"] - profile["startTime"]) / len(samples) / 1000
    totals: dict[str, float] = {}
    for node_id in samples:
        frame = nodes[node_id]
        script = frame["url"].rsplit("/", 1)[-1]
        name = (
            re.sub(r"[.-][A-Za-z0-9_-]{6,}\.js$", "", script) if script else frame["functionName"]
        )
        name = name or "(anonymous)"
        if name != "(idle)":
            totals[name] = totals.get(name, 0.0) + interval_ms
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    return [{"script": k, "ms": v} for k, v in ranked[:top]]


async def browser_profile(
    browser, url: str, changes: int, trace_cold: bool = True
) -> dict[str, Any]:
    """Where a browser's time goes on one page, for a row over budget: a Chrome trace of a
    cold load (if `trace_cold`), then a trace and a JavaScript CPU profile of `changes`
    filter changes, each summarised by self time (`trace_self_times`, `js_self_times`); the
    traces themselves are not kept (tens of MB)."""
    out: dict[str, Any] = {}
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        if trace_cold:
            await browser.start_tracing(categories=TRACE_CATEGORIES)
        try:
            elapsed, _, page, frames = await cold_load(context, url)
        finally:
            trace = await browser.stop_tracing() if trace_cold else b""
        if trace_cold:
            out["cold"] = {"ms": elapsed * 1000, "trace": trace_self_times(_trace_events(trace))}
        if changes:
            cdp = await context.new_cdp_session(page)
            await cdp.send("Profiler.enable")
            await cdp.send("Profiler.setSamplingInterval", {"interval": 500})
            await cdp.send("Profiler.start")  # before the trace, which would count its start
            await browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
            try:
                times, _, _ = await filter_changes(page, frames, changes)
            finally:
                trace = await browser.stop_tracing()
                profile = (await cdp.send("Profiler.stop"))["profile"]
            out["changes"] = {
                "ms": [t * 1000 for t in times],
                "trace": trace_self_times(_trace_events(trace)),
                "js": js_self_times(profile),
            }
    except Exception as exc:  # a profile is context for the table; its failure is not fatal
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        await context.close()
    return out


def _trace_events(trace: bytes) -> list[dict[str, Any]]:
    data = json.loads(trace)
    return data["traceEvents"] if isinstance(data, dict) else data


def over_budget(browser: dict[str, Any], dataset: str) -> list[tuple[str, list[str]]]:
    """The pages over a browser time budget (filter change, cold load) on `dataset`, the
    furthest over first, each with the metrics it misses."""
    found: dict[str, tuple[float, list[str]]] = {}
    results = {dataset: {"browser": browser}}
    for metric in ("filter change to redrawn (ms)", "cold load to drawn (ms)"):
        limit, _ = budget_limit(results, dataset, metric)
        for name in browser["pages"]:
            value = _value(results, dataset, metric, name)
            if limit and value is not None and value > limit:
                worst, metrics = found.get(name, (0.0, []))
                found[name] = (max(worst, value / limit), [*metrics, metric])
    ranked = sorted(found.items(), key=lambda kv: -kv[1][0])
    return [(name, metrics) for name, (_, metrics) in ranked]


def _brief_profile(p: dict[str, Any], part: str, n: int = 4) -> str:
    """One line: the heaviest trace events (thread/event) and scripts of a profile part."""
    got = p.get(part)
    if not got:
        return p.get("error", "no profile")
    events = "; ".join(f"{e['thread']}/{e['event']} {e['ms']:.0f}" for e in got["trace"][:n])
    scripts = "; ".join(f"{e['script']} {e['ms']:.0f}" for e in got.get("js", [])[:n])
    return f"trace (ms, self): {events}" + (f" | JS (ms, self): {scripts}" if scripts else "")


async def cold_load_and_close(browser, url: str) -> None:
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        await cold_load(context, url)
    finally:
        await context.close()


def _brief(m: dict[str, Any]) -> str:
    def ms(v: float | None) -> str:
        return "-" if v is None else f"{v:.0f} ms"

    kb = m["ws_bytes_per_change"]
    drawing = summarise(m.get("drawing_after_rerun_ms") or [])["median"]
    return (
        f"cold {ms(m['cold_load_ms'])}, filter change {ms(m['filter_change_ms'])} "
        f"(drawing after the rerun {ms(drawing)}), "
        f"{'-' if kb is None else f'{kb / 1000:.0f} KB'}"
        + (f", errors: {m['errors']}" if m["errors"] else "")
    )


# --- budgets and the table ---------------------------------------------------------------------


def _value(results: dict[str, Any], dataset: str, metric: str, page: str | None) -> float | None:
    r = results.get(dataset) or {}
    server, browser = r.get("server") or {}, r.get("browser") or {}
    pages_s = server.get("pages", {})
    pages_b = browser.get("pages", {})
    if metric == "server rerun median (ms)":
        return (pages_s.get(page) or {}).get("median_ms")
    if metric == "filter change to redrawn (ms)":
        return (pages_b.get(page) or {}).get("filter_change_ms")
    if metric == "cold load to drawn (ms)":
        return (pages_b.get(page) or {}).get("cold_load_ms")
    if metric == "websocket KB per filter change":
        b = (pages_b.get(page) or {}).get("ws_bytes_per_change")
        return None if b is None else b / 1000
    if metric == "server peak RSS (MB)":
        return browser.get("rss_mb")
    if metric == "20 viewers: all drawn (s)":
        return (browser.get("viewers") or {}).get("all_drawn_s")
    if metric == "20 viewers: errors":
        v = browser.get("viewers")
        return None if v is None else len(v["errors"])
    raise KeyError(metric)


def _floor(results: dict[str, Any], dataset: str, metric: str) -> float | None:
    side, key = FLOOR_OF[metric]
    return ((results.get(dataset) or {}).get(side) or {}).get("floor", {}).get(key)


def budget_limit(results: dict[str, Any], dataset: str, metric: str) -> tuple[float | None, str]:
    """(limit, how it reads) of a metric's budget on a dataset; limit None if not computable."""
    kind, amount = BUDGETS[metric][dataset]
    if kind == "max":
        return float(amount), f"<= {amount:g}"
    floor = _floor(results, dataset, metric)
    if floor is None:
        return None, f"<= {amount:g}x floor"
    return amount * floor, f"<= {amount * floor:.0f} ({amount:g}x floor)"


def evaluate(results: dict[str, Any], pages: Sequence[str]) -> list[dict[str, Any]]:
    """One row per metric (and page): values, budgets and verdicts on both datasets."""
    rows = []
    per_page = [m for m in BUDGETS if m in FLOOR_OF or m == "websocket KB per filter change"]
    for metric in BUDGETS:
        for page in pages if metric in per_page else [None]:
            row: dict[str, Any] = {"metric": metric, "page": page}
            verdicts = []
            for dataset in ("shipped", "big"):
                value = _value(results, dataset, metric, page)
                limit, text = budget_limit(results, dataset, metric)
                ok = None if value is None or limit is None else value <= limit
                row[dataset] = {"value": value, "budget": text, "limit": limit, "ok": ok}
                floor = _floor(results, dataset, metric) if metric in FLOOR_OF else None
                if BUDGETS[metric][dataset][0] == "max" and value is not None and floor:
                    # The absolute budgets assume its reference machine's floor
                    # (0.4 s filter change, 2.4 s cold load): the ratio reads across machines.
                    row[dataset]["floor_ratio"] = value / floor
                if ok is False:
                    verdicts.append(f"FAIL {dataset}")
                elif ok is None and dataset in results:
                    verdicts.append(f"n/a {dataset}")
            if row["shipped"]["value"] is None and row["big"]["value"] is None:
                continue  # not measured in this run (e.g. --skip-browser)
            row["result"] = ", ".join(verdicts) or "pass"
            rows.append(row)
    return rows


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a Markdown table: metric, shipped value and budget, big value and budget,
    result."""
    header = ["metric", "shipped", "shipped budget", "1000/100k", "1000/100k budget", "result"]
    lines = [header]
    for r in rows:
        name = r["metric"] + (f": {r['page']}" if r["page"] else "")
        big = _fmt(r["big"]["value"])
        ratio = r["big"].get("floor_ratio")
        if ratio is not None:  # an absolute browser budget: how far from the floor as well
            big += f" ({ratio:.1f}x floor)"
        lines.append(
            [
                name,
                _fmt(r["shipped"]["value"]),
                r["shipped"]["budget"],
                big,
                r["big"]["budget"],
                r["result"],
            ]
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]

    def fmt(line: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


def info_lines(results: dict[str, Any]) -> list[str]:
    """Context for the table: floors, model load, p95s, first load."""
    out = []
    for dataset, r in results.items():
        s, b = r.get("server") or {}, r.get("browser") or {}
        parts = [f"{dataset} ({r.get('data_dir')}):"]
        if s:
            parts.append(
                f"server floor {_fmt(s['floor']['median_ms'])} ms, first run with model load "
                f"{_fmt(s['model_first_run_ms'])} ms;"
            )
            p95 = ", ".join(f"{k} {_fmt(v['p95_ms'])}" for k, v in s["pages"].items())
            parts.append(f"server rerun p95 (ms): {p95};")
            changed = ", ".join(
                f"{k} {_fmt(v.get('changed_median_ms'))}"
                for k, v in {"floor": s["floor"]["before"], **s["pages"]}.items()
            )
            parts.append(f"server rerun after a filter change, median (ms): {changed};")
        if b:
            f = b.get("floor") or {}
            if f.get("viewers"):
                parts.append(f"{VIEWERS} viewers of the browser floor: {_brief_viewers(f)};")
            if b.get("sessions"):
                parts.append(f"{VIEWERS} {_brief_sessions(b['sessions'])};")
            around = ""
            if f.get("filter_change_after_ms") is not None:
                around = (
                    f" (mean of {_fmt(f.get('filter_change_before_ms'))} before and "
                    f"{_fmt(f.get('filter_change_after_ms'))} after the pages)"
                )
            parts.append(
                f"browser floor: cold load {_fmt(f.get('cold_load_ms'))} ms, filter change "
                f"{_fmt(f.get('filter_change_ms'))} ms{around}; server start "
                f"{_fmt(b.get('server_start_s'))} s, first page after start "
                f"{_fmt(b.get('first_load_s'))} s."
            )
        errors = {
            f"{side} {page}": m["errors"]
            for side in ("server", "browser")
            for page, m in ((r.get(side) or {}).get("pages") or {}).items()
            if m.get("errors")
        }
        if errors:
            parts.append(f"errors: {errors}")
        out.append(" ".join(parts))
    return out


def profile_lines(results: dict[str, Any], rows: Sequence[dict[str, Any]]) -> list[str]:
    """For each page over its server budget, the heaviest functions of one profiled rerun;
    for the pages most over a browser budget, where the browser's time went."""
    out = []
    for row in rows:
        if row["metric"] != "server rerun median (ms)":
            continue
        for dataset in ("shipped", "big"):
            if row[dataset]["ok"] is not False:
                continue
            page = results[dataset]["server"]["pages"][row["page"]]
            top = [t for t in page.get("profile", []) if "/pages/" not in t["function"]][:4]
            if top:
                listed = "; ".join(f"{t['function']} {t['ms']:.0f} ms" for t in top)
                out.append(f"profile {dataset} {row['page']} (one rerun, cumulative): {listed}")
    if out:
        out.insert(0, f"\nFull listings: {PROFILES}/<dataset>/<page>.txt")
    for dataset, r in results.items():
        for page, m in ((r.get("browser") or {}).get("pages") or {}).items():
            profile = m.get("browser_profile")
            if not profile:
                continue
            if "error" in profile:
                out.append(f"browser profile {dataset} {page}: {profile['error']}")
            for part, what in (("changes", "filter changes"), ("cold", "cold load")):
                if part in profile:
                    brief = _brief_profile(profile, part)
                    out.append(f"browser profile {dataset} {page}, {what}: {brief}")
    return out


# --- main ---------------------------------------------------------------------------------------


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--mappings", type=int, default=1000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--datasets", default="shipped,big", help="shipped, big or both")
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=0, help="timed reruns (default 11/7)")
    parser.add_argument("--cold-runs", type=int, default=2, help="cold loads per page")
    parser.add_argument(
        "--changes", type=int, default=4, help="timed filter changes per page (the floor: 4)"
    )
    parser.add_argument(
        "--floor-viewers",
        default="",
        help="datasets on which 20 viewers also open the browser floor, for comparison, "
        "e.g. shipped (adds a minute and a half)",
    )
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-server", action="store_true")
    parser.add_argument("--out", default=str(ARTIFACTS / "bench.json"))
    sub = parser.add_subparsers(dest="command")
    worker = sub.add_parser("_server", help=argparse.SUPPRESS)
    worker.add_argument("--data", required=True)
    worker.add_argument("--pages", required=True)
    worker.add_argument("--warmup", type=int, required=True)
    worker.add_argument("--runs", type=int, required=True)
    worker.add_argument("--json", required=True)
    worker.add_argument("--profiles", default=None)
    args = parser.parse_args(argv)

    everything = app_pages()
    if args.command == "_server":
        chosen = [p for p in everything if p.name in args.pages.split(",")]
        profiles = Path(args.profiles) if args.profiles else None
        result = server_bench(Path(args.data), chosen, args.warmup, args.runs, profiles)
        Path(args.json).write_text(json.dumps(result))
        return 0

    began = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f}s] {message}", flush=True)

    wanted = [n for n in args.pages.split(",") if n]
    pages = [p for p in everything if not wanted or p.name in wanted]
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    browser_ok = CHROMIUM.exists()
    if not args.skip_browser and not browser_ok:
        log(f"{CHROMIUM} is missing: browser metrics skipped (apt-get install chromium)")
    results: dict[str, Any] = {}
    meta: dict[str, Any] = {
        "commit": _git_commit(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": os.getloadavg(),
    }
    for dataset in datasets:
        if dataset == "shipped":
            data_dir = REPO / "data"
            runs = args.runs or 11
        elif dataset == "big":
            data_dir, made = synthetic_data(args.mappings, args.projects, args.seed)
            meta["synth_seconds"] = made
            how = f"made in {made:.0f} s" if made else "from cache"
            log(f"synthetic data {how}: {data_dir}")
            runs = args.runs or 7
        else:
            parser.error(f"unknown dataset {dataset!r}")
        results[dataset] = {"data_dir": str(data_dir)}
        if not args.skip_server:
            log(f"{dataset}: AppTest, {args.warmup} warm-up + {runs} runs per page")
            profiles = PROFILES / dataset
            results[dataset]["server"] = run_server_bench(
                data_dir, pages, args.warmup, runs, log, profiles
            )
            s = results[dataset]["server"]
            log(
                f"  server floor {_fmt(s['floor']['median_ms'])} ms; "
                + ", ".join(f"{k} {_fmt(v['median_ms'])}" for k, v in s["pages"].items())
            )
        if not args.skip_browser and browser_ok:
            log(f"{dataset}: browser")
            results[dataset]["browser"] = asyncio.run(
                browser_bench_async(
                    data_dir,
                    pages,
                    BrowserSettings(
                        cold_runs=args.cold_runs,
                        changes=args.changes,
                        floor_viewers=dataset in args.floor_viewers.split(","),
                    ),
                    log,
                    dataset,
                )
            )
    meta["load_average_end"] = os.getloadavg()
    meta["seconds"] = time.perf_counter() - began
    rows = evaluate(results, [p.name for p in pages])
    table = format_table(rows)
    print()
    print(table)
    print()
    for line in info_lines(results):
        print(line)
    for line in profile_lines(results, rows):
        print(line)
    failing = [r for r in rows if "FAIL" in r["result"]]
    print(
        f"\n{len(failing)} of {len(rows)} budget rows fail. Took {meta['seconds']:.0f} s; "
        f"load average {meta['load_average_start'][0]:.1f} -> {meta['load_average_end'][0]:.1f} "
        f"on {meta['cpus']} CPUs."
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "rows": rows, "results": results}, indent=1))
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
