"""Where a browser's time went, from a Chrome trace and a V8 CPU profile, summarised by self
time: per thread and trace event (e.g. CrGpuMain / WebGL), and per script (plotly.js, React)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

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


def trace_events(trace: bytes) -> list[dict[str, Any]]:
    """The events of a Chrome trace (either JSON form: an object or a bare list)."""
    data = json.loads(trace)
    return data["traceEvents"] if isinstance(data, dict) else data


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
        for name, own in _self_times(spans):
            totals[(thread, name)] = totals.get((thread, name), 0.0) + own
    ranked = sorted(
        ((k, v) for k, v in totals.items() if k[1] not in _WRAPPER_EVENTS),
        key=lambda kv: -kv[1],
    )
    return [{"thread": t, "event": n, "ms": v / 1000} for (t, n), v in ranked[:top]]


def _self_times(spans: list[tuple[float, float, str]]) -> list[tuple[str, float]]:
    """(name, self time) of each span of one thread, given as (start, duration, name)."""
    out: list[tuple[str, float]] = []
    stack: list[list[Any]] = []  # [end, name, duration, nested duration]

    def close(entry: list[Any]) -> None:
        out.append((entry[1], max(entry[2] - entry[3], 0.0)))

    for ts, dur, name in sorted(spans, key=lambda x: (x[0], -x[1])):
        while stack and ts >= stack[-1][0]:
            close(stack.pop())
        if stack:
            stack[-1][3] += min(dur, stack[-1][0] - ts)
        stack.append([ts + dur, name, dur, 0.0])
    while stack:
        close(stack.pop())
    return out


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
