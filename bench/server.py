"""Server-side timings: each page's script run with Streamlit's AppTest, no browser.

For a dataset, in a fresh Python process (`run_server_bench` starts `python -m bench.server`,
so no cache is shared with another dataset): the server floor is timed, then every page,
then the floor again; the floor's median is the mean of the two, which evens out drift in
the machine's load. Each script is warmed up, then rerun; after that, each rerun picks
another topic in the sidebar filter (a filter state not seen before). One more rerun of
each page is profiled with cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.data import DATA_ENV, topic_ids
from bench.pages import REPO, SERVER_FLOOR, Page, app_pages
from bench.stats import summarise
from bench.streamlit_internals import profiled_script_runs

CHANGES_PER_PAGE = 4  # server reruns after a filter change, per page
SCRIPT_SECONDS = 15.0  # timed AppTest runs per page stop after this (three at least)
FILTER_KEY = "topics"  # the sidebar's topics multiselect (its key: cbdash.present.state)


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
        widget = at.multiselect(key=FILTER_KEY)
        start = time.perf_counter()
        widget.set_value([value]).run()
        elapsed = (time.perf_counter() - start) * 1000
        if at.exception:
            break
        times.append(elapsed)
    return times


def profile_script(path: Path, out: Path, timeout: float = 600) -> list[dict[str, Any]]:
    """cProfile of one warm rerun of a script. Writes the full listing to `out`; returns the
    heaviest functions of the app and of Streamlit's elements (cumulative milliseconds)."""
    from streamlit.testing.v1 import AppTest

    profiler = cProfile.Profile()
    with profiled_script_runs(profiler) as start_profiling:
        at = AppTest.from_file(str(path), default_timeout=timeout)
        at.run()
        start_profiling()
        at.run()
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
    values = topic_ids(data_dir, CHANGES_PER_PAGE)
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
        # fmt: off
        command = [
            sys.executable, "-m", "bench.server",
            "--data", str(data_dir),
            "--pages", ",".join(p.name for p in pages),
            "--warmup", str(warmup),
            "--runs", str(runs),
            "--json", str(out),
        ]
        # fmt: on
        if profiles is not None:
            command += ["--profiles", str(profiles)]
        proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        if proc.returncode != 0 or not out.exists():
            log(proc.stdout[-2000:] + proc.stderr[-4000:])
            raise RuntimeError(f"server benchmark failed on {data_dir}")
        return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    """The worker `run_server_bench` starts: `server_bench` of the named pages, as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=main.__doc__)
    parser.add_argument("--data", required=True)
    parser.add_argument("--pages", required=True, help="comma-separated page names")
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--json", required=True, help="file to write the result to")
    parser.add_argument("--profiles", default=None, help="folder for the cProfile listings")
    args = parser.parse_args(argv)
    chosen = [p for p in app_pages() if p.name in args.pages.split(",")]
    profiles = Path(args.profiles) if args.profiles else None
    result = server_bench(Path(args.data), chosen, args.warmup, args.runs, profiles)
    Path(args.json).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
