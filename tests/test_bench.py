"""Smoke tests of the `make bench` harness on tiny data: the pieces work, no timing asserted."""

from __future__ import annotations

import asyncio
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench import data, pages, process, report, server, stats, traces
from bench.browser import average_floor
from bench.budgets import evaluate, over_budget

FIXTURE_DIR = Path(__file__).parent / "fixtures" / "inventory"


def test_percentile_and_summary():
    assert stats.percentile([5, 1, 3, 2, 4], 50) == 3
    assert stats.percentile([5, 1, 3, 2, 4], 95) == 5
    assert stats.percentile([7], 95) == 7
    s = stats.summarise([3.0, 1.0, 2.0])
    assert (s["median"], s["min"], s["max"], s["n"]) == (2.0, 1.0, 3.0, 3)
    assert stats.summarise([])["median"] is None


def test_app_pages_follow_app_py():
    found = {p.name: p for p in pages.app_pages()}
    assert found["home"].url_path == ""  # the default page lives at /
    assert found["topics"].url_path == "topics"
    assert all(p.path.exists() for p in found.values())


def test_synthetic_data_is_made_once_and_cached(tmp_path):
    first, made = data.synthetic_data(5, 40, seed=1, root=tmp_path)
    assert made > 0 and (first / "projects.csv").exists()
    assert "SYNTHETIC" in (first / "projects.meta.yaml").read_text()
    again, made_again = data.synthetic_data(5, 40, seed=1, root=tmp_path)
    assert again == first and made_again == 0.0
    other, _ = data.synthetic_data(5, 41, seed=1, root=tmp_path)
    assert other != first  # the cache key holds the parameters
    assert first.name.endswith(data.synth_digest())


def test_the_synthetic_cache_key_reads_every_input():
    missing = [rel for rel in data.SYNTH_INPUTS if not (pages.REPO / rel).exists()]
    assert missing == []


def test_time_script_runs_the_server_floor(monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(FIXTURE_DIR))
    result = server.time_script(pages.SERVER_FLOOR, warmup=1, runs=2)
    assert result["errors"] == []
    assert len(result["runs_ms"]) == 2 and result["median_ms"] > 0


def test_profile_script_lists_the_apps_functions(monkeypatch, tmp_path):
    monkeypatch.setenv(data.DATA_ENV, str(FIXTURE_DIR))
    top = server.profile_script(pages.SERVER_FLOOR, tmp_path / "floor.txt")
    assert any("cbdash/ui" in t["function"] for t in top)
    assert "cumulative" in (tmp_path / "floor.txt").read_text()


def test_server_bench_in_a_worker_process():
    home = [p for p in pages.app_pages() if p.name == "home"]
    result = server.run_server_bench(FIXTURE_DIR, home, warmup=1, runs=1, log=print)
    assert result["floor"]["median_ms"] > 0
    assert result["pages"]["home"]["errors"] == []


def test_budgets_table_and_verdicts():
    results = {
        "shipped": {
            "server": {"floor": {"median_ms": 10.0}, "pages": {"home": {"median_ms": 25.0}}},
            "browser": {
                "floor": {"cold_load_ms": 2000.0, "filter_change_ms": 400.0},
                "pages": {
                    "home": {
                        "cold_load_ms": 2500.0,
                        "filter_change_ms": 700.0,
                        "ws_bytes_per_change": 20_000,
                    }
                },
                "rss_mb": 200.0,
                "viewers": {"all_drawn_s": 8.0, "errors": []},
            },
        },
        "big": {
            "server": {"floor": {"median_ms": 12.0}, "pages": {"home": {"median_ms": 300.0}}},
            "browser": {
                "floor": {"cold_load_ms": 3000.0, "filter_change_ms": 400.0},
                "pages": {"home": {"cold_load_ms": 4500.0, "filter_change_ms": None}},
            },
        },
    }
    rows = {(r["metric"], r["page"]): r for r in evaluate(results, ["home"])}
    cold = rows[("cold load to drawn (ms)", "home")]
    assert cold["big"]["ok"] is False and cold["big"]["floor_ratio"] == 1.5  # 4500 / 3000
    assert "floor_ratio" not in cold["shipped"]  # a budget relative to the floor already
    assert "4500 (1.5x floor)" in report.format_table([cold])
    rerun = rows[("server rerun median (ms)", "home")]
    assert rerun["shipped"]["limit"] == 30.0 and rerun["shipped"]["ok"]
    assert rerun["big"]["ok"] is False and rerun["result"] == "FAIL big"
    change = rows[("filter change to redrawn (ms)", "home")]
    assert change["shipped"]["ok"] is False  # 700 > 1.5 x 400
    rss = rows[("server peak RSS (MB)", None)]
    assert rss["shipped"]["ok"] and rss["result"] == "n/a big"  # big: no RSS measured
    table = report.format_table(list(rows.values()))
    assert table.splitlines()[0].startswith("| metric")
    assert "FAIL big" in table


def test_peak_rss_of_this_process():
    assert process.peak_rss_mb(os.getpid()) > 10
    assert process.peak_rss_mb(2**30) is None


@pytest.mark.parametrize("name", ["floor_server.py", "floor_browser.py"])
def test_floor_pages_exist_outside_the_app(name):
    path = pages.REPO / "bench" / name
    assert path.exists()
    assert "bench" not in (pages.REPO / "app.py").read_text()


def test_trace_self_times_subtracts_nested_events_per_thread():
    meta = [
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "Main"}},
        {"ph": "M", "name": "thread_name", "pid": 2, "tid": 9, "args": {"name": "Gpu"}},
    ]
    spans = [  # ts and dur in microseconds
        {"ph": "X", "pid": 1, "tid": 1, "ts": 0, "dur": 10_000, "name": "RunTask"},
        {"ph": "X", "pid": 1, "tid": 1, "ts": 1_000, "dur": 6_000, "name": "Layout"},
        {"ph": "X", "pid": 1, "tid": 1, "ts": 2_000, "dur": 1_000, "name": "Paint"},
        {"ph": "X", "pid": 1, "tid": 1, "ts": 20_000, "dur": 3_000, "name": "Layout"},
        {"ph": "X", "pid": 2, "tid": 9, "ts": 0, "dur": 4_000, "name": "WebGL"},
        {"ph": "B", "pid": 2, "tid": 9, "ts": 0, "name": "ignored"},
    ]
    got = traces.trace_self_times(meta + spans)
    assert got == [  # RunTask (a scheduling wrapper) is left out
        {"thread": "Main", "event": "Layout", "ms": 8.0},  # 6 - 1 nested, then 3
        {"thread": "Gpu", "event": "WebGL", "ms": 4.0},
        {"thread": "Main", "event": "Paint", "ms": 1.0},
    ]


def test_js_self_times_by_script_without_content_hash():
    frame = {"functionName": "f", "url": "", "lineNumber": 0}
    profile = {
        "nodes": [
            {"id": 1, "callFrame": {**frame, "url": "http://x/static/js/PlotlyChart.D9Z0_fxz.js"}},
            {"id": 2, "callFrame": {**frame, "url": "http://x/static/js/react-dom.Dzbslgj4.js"}},
            {"id": 3, "callFrame": {**frame, "functionName": "(program)"}},
            {"id": 4, "callFrame": {**frame, "functionName": "(idle)"}},
        ],
        "samples": [1, 1, 1, 2, 3, 4, 4, 4],
        "startTime": 0,
        "endTime": 8_000,  # microseconds: 1 ms per sample
    }
    assert traces.js_self_times(profile) == [
        {"script": "PlotlyChart", "ms": 3.0},
        {"script": "react-dom", "ms": 1.0},
        {"script": "(program)", "ms": 1.0},
    ]


def test_over_budget_ranks_pages_by_how_far_over():
    browser = {
        "floor": {"filter_change_ms": 400.0, "cold_load_ms": 3000.0},
        "pages": {
            "home": {"filter_change_ms": 500.0, "cold_load_ms": 2000.0},  # within 600 / 4500
            "map": {"filter_change_ms": 1200.0, "cold_load_ms": 3000.0},  # 2x
            "gaps": {"filter_change_ms": 700.0, "cold_load_ms": 5000.0},  # 1.17x and 1.11x
            "broken": {"filter_change_ms": None, "cold_load_ms": None},
        },
    }
    assert over_budget(browser, "shipped") == [
        ("map", ["filter change to redrawn (ms)"]),
        ("gaps", ["filter change to redrawn (ms)", "cold load to drawn (ms)"]),
    ]
    big = {"floor": {}, "pages": {"map": {"filter_change_ms": 1200.0, "cold_load_ms": 3900.0}}}
    assert over_budget(big, "big") == [("map", ["filter change to redrawn (ms)"])]


def test_brief_viewers_says_how_long_the_browsers_alone_keep_the_cores_busy():
    r = {
        "viewers": {
            "all_drawn_s": 61.6,
            "drawn": 20,
            "errors": [],
            "server_cpu_s": 5.6,
            "browser_cpu_s": 112.6,
            "cores": 2,
        }
    }
    brief = report.brief_viewers(r)
    assert brief.startswith("20 of 20 drawn in 61.6 s, 0 errors, server CPU 5.6 s")
    assert (
        "browser CPU 112.6 s on 2 cores (the browsers alone keep every core busy for 56 s)" in brief
    )


def test_browser_floor_filter_change_is_the_mean_of_before_and_after_the_pages():
    floor = {"filter_change_ms": 300.0, "cold_load_ms": 3000.0, "errors": ["a"]}
    average_floor(floor, {"filter_change_ms": 400.0, "errors": ["b", "a"]})
    assert floor["filter_change_ms"] == 350.0
    assert (floor["filter_change_before_ms"], floor["filter_change_after_ms"]) == (300.0, 400.0)
    assert floor["cold_load_ms"] == 3000.0 and floor["errors"] == ["a", "b"]
    (line,) = report.info_lines({"shipped": {"data_dir": "d", "browser": {"floor": floor}}})
    assert "filter change 350 ms (mean of 300 before and 400 after the pages)" in line
    broken = {"filter_change_ms": 300.0, "errors": []}
    average_floor(broken, {"filter_change_ms": None, "errors": ["timeout"]})
    assert broken["filter_change_ms"] == 300.0 and broken["errors"] == ["timeout"]


def test_command_line_without_measurements_writes_an_empty_report(tmp_path, capsys):
    from bench.__main__ import main

    out = tmp_path / "bench.json"
    args = ["--datasets", "shipped", "--skip-server", "--skip-browser", "--out", str(out)]
    assert main(args) == 0
    assert "0 of 0 budget rows fail" in capsys.readouterr().out
    written = json.loads(out.read_text())
    assert written["rows"] == [] and written["results"]["shipped"]["data_dir"].endswith("data")
    with pytest.raises(SystemExit):
        main(["--datasets", "shipped,huge"])


def test_the_pages_furthest_over_a_browser_budget_are_profiled(monkeypatch):
    from bench import browser

    asked = []

    async def fake_profile(_browser, url, changes, trace_cold=True):
        asked.append((url, changes, trace_cold))
        return {"changes": {"trace": [], "js": []}}

    monkeypatch.setattr(browser, "browser_profile", fake_profile)
    out = {
        "floor": {"filter_change_ms": 400.0, "cold_load_ms": 3000.0},
        "pages": {
            "home": {"filter_change_ms": 500.0, "cold_load_ms": 2000.0},  # within budget
            "topics": {"filter_change_ms": 700.0, "cold_load_ms": 5000.0},  # both over
            "gaps": {"filter_change_ms": 1200.0, "cold_load_ms": 2000.0},  # change over, most
            "method": {"filter_change_ms": 650.0, "cold_load_ms": 2000.0},  # third: left out
        },
    }
    found = {p.name: p for p in pages.app_pages()}
    settings = browser.BrowserSettings(profiled_pages=2)
    run = browser._profile_over_budget(
        None, "http://x", list(found.values()), settings, print, out, "shipped"
    )
    # In a thread of its own: the browser tests' Playwright loop may run in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run).result()
    assert asked == [("http://x/gaps", 2, False), ("http://x/topics", 2, True)]
    assert (
        "browser_profile" in out["pages"]["gaps"]
        and "browser_profile" not in out["pages"]["method"]
    )
