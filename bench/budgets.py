"""The performance budgets and the verdicts: each metric's limit on each dataset, absolute or a
multiple of the floor measured in the same run, and which pages miss them.

`results` throughout is the benchmark's result: dataset -> {"server": ..., "browser": ...},
as `python -m bench` writes it to artifacts/bench.json.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DATASETS = ("shipped", "big")
VIEWERS = 20  # browsers (and protocol sessions) opening the home page at once
SERVER_RERUN = "server rerun median (ms)"
FILTER_CHANGE = "filter change to redrawn (ms)"
COLD_LOAD = "cold load to drawn (ms)"
WS_KB = "websocket KB per filter change"
PEAK_RSS = "server peak RSS (MB)"
VIEWERS_DRAWN = "20 viewers: all drawn (s)"
VIEWERS_ERRORS = "20 viewers: errors"

# metric -> dataset -> (kind, limit): "x" = at most limit times the floor, "max" = at most limit.
BUDGETS: dict[str, dict[str, tuple[str, float]]] = {
    SERVER_RERUN: {"shipped": ("x", 3.0), "big": ("max", 250)},
    FILTER_CHANGE: {"shipped": ("x", 1.5), "big": ("max", 1000)},
    COLD_LOAD: {"shipped": ("x", 1.5), "big": ("max", 4000)},
    WS_KB: {"shipped": ("max", 300), "big": ("max", 600)},
    PEAK_RSS: {"shipped": ("max", 350), "big": ("max", 800)},
    VIEWERS_DRAWN: {"shipped": ("max", 10), "big": ("max", 20)},
    VIEWERS_ERRORS: {"shipped": ("max", 0), "big": ("max", 0)},
}
# Which floor measurement a floor-relative budget refers to.
FLOOR_OF = {
    SERVER_RERUN: ("server", "median_ms"),
    FILTER_CHANGE: ("browser", "filter_change_ms"),
    COLD_LOAD: ("browser", "cold_load_ms"),
}
PER_PAGE = (SERVER_RERUN, FILTER_CHANGE, COLD_LOAD, WS_KB)  # one row per page


def metric_value(
    results: dict[str, Any], dataset: str, metric: str, page: str | None
) -> float | None:
    """A metric's measured value on a dataset (for `page` if the metric is per page)."""
    r = results.get(dataset) or {}
    server, browser = r.get("server") or {}, r.get("browser") or {}
    pages_s = server.get("pages", {})
    pages_b = browser.get("pages", {})
    if metric == SERVER_RERUN:
        return (pages_s.get(page) or {}).get("median_ms")
    if metric == FILTER_CHANGE:
        return (pages_b.get(page) or {}).get("filter_change_ms")
    if metric == COLD_LOAD:
        return (pages_b.get(page) or {}).get("cold_load_ms")
    if metric == WS_KB:
        b = (pages_b.get(page) or {}).get("ws_bytes_per_change")
        return None if b is None else b / 1000
    if metric == PEAK_RSS:
        return browser.get("rss_mb")
    if metric == VIEWERS_DRAWN:
        return (browser.get("viewers") or {}).get("all_drawn_s")
    if metric == VIEWERS_ERRORS:
        v = browser.get("viewers")
        return None if v is None else len(v["errors"])
    raise KeyError(metric)


def floor_value(results: dict[str, Any], dataset: str, metric: str) -> float | None:
    """The floor's value of a floor-relative metric on a dataset (None if not measured)."""
    side, key = FLOOR_OF[metric]
    return ((results.get(dataset) or {}).get(side) or {}).get("floor", {}).get(key)


def budget_limit(results: dict[str, Any], dataset: str, metric: str) -> tuple[float | None, str]:
    """(limit, how it reads) of a metric's budget on a dataset; limit None if not computable."""
    kind, amount = BUDGETS[metric][dataset]
    if kind == "max":
        return float(amount), f"<= {amount:g}"
    floor = floor_value(results, dataset, metric)
    if floor is None:
        return None, f"<= {amount:g}x floor"
    return amount * floor, f"<= {amount * floor:.0f} ({amount:g}x floor)"


def evaluate(results: dict[str, Any], pages: Sequence[str]) -> list[dict[str, Any]]:
    """One row per metric (and page): values, budgets and verdicts on both datasets. Metrics
    measured on neither dataset (e.g. the browser's, with --skip-browser) get no row."""
    rows = []
    for metric in BUDGETS:
        for page in pages if metric in PER_PAGE else [None]:
            row: dict[str, Any] = {"metric": metric, "page": page}
            verdicts = []
            for dataset in DATASETS:
                row[dataset] = _verdict(results, dataset, metric, page)
                if row[dataset]["ok"] is False:
                    verdicts.append(f"FAIL {dataset}")
                elif row[dataset]["ok"] is None and dataset in results:
                    verdicts.append(f"n/a {dataset}")
            if row["shipped"]["value"] is None and row["big"]["value"] is None:
                continue
            row["result"] = ", ".join(verdicts) or "pass"
            rows.append(row)
    return rows


def _verdict(
    results: dict[str, Any], dataset: str, metric: str, page: str | None
) -> dict[str, Any]:
    """Value, budget text, limit and ok (None if either is missing) of one cell of a row."""
    value = metric_value(results, dataset, metric, page)
    limit, text = budget_limit(results, dataset, metric)
    ok = None if value is None or limit is None else value <= limit
    cell: dict[str, Any] = {"value": value, "budget": text, "limit": limit, "ok": ok}
    floor = floor_value(results, dataset, metric) if metric in FLOOR_OF else None
    if BUDGETS[metric][dataset][0] == "max" and value is not None and floor:
        # The absolute browser budgets assume a reference machine's floor (0.4 s filter
        # change, 2.4 s cold load): the ratio to this run's floor reads across machines.
        cell["floor_ratio"] = value / floor
    return cell


def over_budget(browser: dict[str, Any], dataset: str) -> list[tuple[str, list[str]]]:
    """The pages over a browser time budget (filter change, cold load) on `dataset`, the
    furthest over first, each with the metrics it misses."""
    found: dict[str, tuple[float, list[str]]] = {}
    results = {dataset: {"browser": browser}}
    for metric in (FILTER_CHANGE, COLD_LOAD):
        limit, _ = budget_limit(results, dataset, metric)
        for name in browser["pages"]:
            value = metric_value(results, dataset, metric, name)
            if limit and value is not None and value > limit:
                worst, metrics = found.get(name, (0.0, []))
                found[name] = (max(worst, value / limit), [*metrics, metric])
    ranked = sorted(found.items(), key=lambda kv: -kv[1][0])
    return [(name, metrics) for name, (_, metrics) in ranked]
