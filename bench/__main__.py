"""`python -m bench`: measure the dashboard against its budgets; a table on stdout and
artifacts/bench.json.

    python -m bench                                       # everything (about 8 minutes)
    python -m bench --skip-browser                        # AppTest timings only
    python -m bench --datasets shipped --pages home,topics --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.browser import BrowserSettings, browser_bench
from bench.budgets import evaluate
from bench.chromium import CHROMIUM
from bench.data import SHIPPED, synthetic_data
from bench.pages import ARTIFACTS, PROFILES, REPO, Page, app_pages
from bench.report import fmt_number, print_report, write_json
from bench.server import run_server_bench


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (see `python -m bench --help`)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Measure the dashboard against its budgets."
    )
    parser.add_argument("--mappings", type=int, default=1000, help="of the big dataset")
    parser.add_argument("--projects", type=int, default=100_000, help="of the big dataset")
    parser.add_argument("--seed", type=int, default=42, help="of the big dataset")
    parser.add_argument("--datasets", default="shipped,big", help="shipped, big or both")
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed AppTest runs per page")
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
    args = parser.parse_args(argv)
    args.datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    for dataset in args.datasets:
        if dataset not in ("shipped", "big"):
            parser.error(f"unknown dataset {dataset!r}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on each dataset, then print and write the report."""
    args = parse_args(argv)
    began = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f}s] {message}", flush=True)

    wanted = [n for n in args.pages.split(",") if n]
    pages = [p for p in app_pages() if not wanted or p.name in wanted]
    browser = not args.skip_browser and CHROMIUM.exists()
    if not args.skip_browser and not browser:
        log(f"{CHROMIUM} is missing: browser metrics skipped (apt-get install chromium)")
    meta: dict[str, Any] = {
        "commit": _git_commit(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": os.getloadavg(),
    }
    results = {
        dataset: run_dataset(dataset, args, pages, browser, meta, log) for dataset in args.datasets
    }
    meta["load_average_end"] = os.getloadavg()
    meta["seconds"] = time.perf_counter() - began
    rows = evaluate(results, [p.name for p in pages])
    print_report(rows, results, meta)
    out = Path(args.out)
    write_json(out, meta, rows, results)
    print(f"Wrote {out}")
    return 0


def run_dataset(
    dataset: str,
    args: argparse.Namespace,
    pages: list[Page],
    browser: bool,
    meta: dict[str, Any],
    log: Callable[[str], None],
) -> dict[str, Any]:
    """The server and browser measurements of one dataset ("shipped" or "big")."""
    if dataset == "shipped":
        data_dir, runs = SHIPPED, args.runs or 11
    else:
        data_dir, made = synthetic_data(args.mappings, args.projects, args.seed)
        meta["synth_seconds"] = made
        log(f"synthetic data {f'made in {made:.0f} s' if made else 'from cache'}: {data_dir}")
        runs = args.runs or 7
    result: dict[str, Any] = {"data_dir": str(data_dir)}
    if not args.skip_server:
        log(f"{dataset}: AppTest, {args.warmup} warm-up + {runs} runs per page")
        s = run_server_bench(data_dir, pages, args.warmup, runs, log, PROFILES / dataset)
        log(
            f"  server floor {fmt_number(s['floor']['median_ms'])} ms; "
            + ", ".join(f"{k} {fmt_number(v['median_ms'])}" for k, v in s["pages"].items())
        )
        result["server"] = s
    if browser:
        log(f"{dataset}: browser")
        settings = BrowserSettings(
            cold_runs=args.cold_runs,
            changes=args.changes,
            floor_viewers=dataset in args.floor_viewers.split(","),
        )
        result["browser"] = asyncio.run(browser_bench(data_dir, pages, settings, log, dataset))
    return result


def _git_commit() -> str:
    """The checkout's short commit hash, recorded with the results ("" outside git)."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
