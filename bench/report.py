"""What `python -m bench` prints: the budget table, the context under it (floors, p95s,
viewers), why the rows over budget are slow (profiles), and one-line briefs for its log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.budgets import DATASETS, SERVER_RERUN, VIEWERS
from bench.pages import PROFILES
from bench.stats import summarise


def fmt_number(value: float | None) -> str:
    """A value for the table: "-" if missing, no decimals from 10 on (or if whole), else one."""
    if value is None:
        return "-"
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a Markdown table: metric, shipped value and budget, big value and budget,
    result. An absolute budget on the big dataset also shows the value as a multiple of the
    floor."""
    header = ["metric", "shipped", "shipped budget", "1000/100k", "1000/100k budget", "result"]
    lines = [header]
    for r in rows:
        name = r["metric"] + (f": {r['page']}" if r["page"] else "")
        big = fmt_number(r["big"]["value"])
        ratio = r["big"].get("floor_ratio")
        if ratio is not None:
            big += f" ({ratio:.1f}x floor)"
        shipped = fmt_number(r["shipped"]["value"])
        lines.append([name, shipped, r["shipped"]["budget"], big, r["big"]["budget"], r["result"]])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]

    def fmt(line: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


def info_lines(results: dict[str, Any]) -> list[str]:
    """Context for the table, one line per dataset: floors, model load, p95s, reruns after a
    filter change, viewers and sessions, server start, errors."""
    out = []
    for dataset, r in results.items():
        s, b = r.get("server") or {}, r.get("browser") or {}
        parts = [f"{dataset} ({r.get('data_dir')}):"]
        if s:
            parts += _server_info(s)
        if b:
            parts += _browser_info(b)
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


def _server_info(s: dict[str, Any]) -> list[str]:
    p95 = ", ".join(f"{k} {fmt_number(v['p95_ms'])}" for k, v in s["pages"].items())
    changed = ", ".join(
        f"{k} {fmt_number(v.get('changed_median_ms'))}"
        for k, v in {"floor": s["floor"]["before"], **s["pages"]}.items()
    )
    return [
        f"server floor {fmt_number(s['floor']['median_ms'])} ms, first run with model load "
        f"{fmt_number(s['model_first_run_ms'])} ms;",
        f"server rerun p95 (ms): {p95};",
        f"server rerun after a filter change, median (ms): {changed};",
    ]


def _browser_info(b: dict[str, Any]) -> list[str]:
    parts = []
    f = b.get("floor") or {}
    if f.get("viewers"):
        parts.append(f"{VIEWERS} viewers of the browser floor: {brief_viewers(f)};")
    if b.get("sessions"):
        parts.append(f"{VIEWERS} {brief_sessions(b['sessions'])};")
    around = ""
    if f.get("filter_change_after_ms") is not None:
        around = (
            f" (mean of {fmt_number(f.get('filter_change_before_ms'))} before and "
            f"{fmt_number(f.get('filter_change_after_ms'))} after the pages)"
        )
    parts.append(
        f"browser floor: cold load {fmt_number(f.get('cold_load_ms'))} ms, filter change "
        f"{fmt_number(f.get('filter_change_ms'))} ms{around}; server start "
        f"{fmt_number(b.get('server_start_s'))} s, first page after start "
        f"{fmt_number(b.get('first_load_s'))} s."
    )
    return parts


def profile_lines(results: dict[str, Any], rows: Sequence[dict[str, Any]]) -> list[str]:
    """For each page over its server budget, the heaviest functions of one profiled rerun;
    for the pages most over a browser budget, where the browser's time went."""
    out = []
    for row in rows:
        if row["metric"] != SERVER_RERUN:
            continue
        for dataset in DATASETS:
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
                    brief = brief_profile(profile, part)
                    out.append(f"browser profile {dataset} {page}, {what}: {brief}")
    return out


def print_report(rows: Sequence[dict[str, Any]], results: dict[str, Any], meta: dict) -> None:
    """The table, the context and profiles under it, and how many rows fail."""
    print()
    print(format_table(rows))
    print()
    for line in info_lines(results) + profile_lines(results, rows):
        print(line)
    failing = [r for r in rows if "FAIL" in r["result"]]
    print(
        f"\n{len(failing)} of {len(rows)} budget rows fail. Took {meta['seconds']:.0f} s; "
        f"load average {meta['load_average_start'][0]:.1f} -> {meta['load_average_end'][0]:.1f} "
        f"on {meta['cpus']} CPUs."
    )


# --- one-line briefs, for the log and the context lines ----------------------------------------


def brief_page(m: dict[str, Any]) -> str:
    """A page's browser measurements: cold load, filter change, drawing after the rerun,
    websocket KB of the worst change, errors."""

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


def brief_viewers(r: dict[str, Any]) -> str:
    """The viewers test of `r["viewers"]`: drawn, errors, the server's and browsers' CPU."""
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


def brief_sessions(s: dict[str, Any]) -> str:
    """The websocket sessions test: served, time, errors, the server's CPU."""
    served = s["all_served_s"]
    return (
        f"websocket sessions without browsers: {s['served']} of {VIEWERS} served"
        + (f" in {served:.1f} s" if served is not None else "")
        + f", {len(s['errors'])} errors"
        + (f", server CPU {s['server_cpu_s']:.1f} s" if s["server_cpu_s"] is not None else "")
    )


def brief_profile(p: dict[str, Any], part: str, n: int = 4) -> str:
    """The heaviest trace events (thread/event) and scripts of a browser profile's part
    ("changes" or "cold")."""
    got = p.get(part)
    if not got:
        return p.get("error", "no profile")
    events = "; ".join(f"{e['thread']}/{e['event']} {e['ms']:.0f}" for e in got["trace"][:n])
    scripts = "; ".join(f"{e['script']} {e['ms']:.0f}" for e in got.get("js", [])[:n])
    return f"trace (ms, self): {events}" + (f" | JS (ms, self): {scripts}" if scripts else "")


def write_json(path: Path, meta: dict, rows: Sequence[dict[str, Any]], results: dict) -> None:
    """The run's metadata, budget rows and full results as JSON (artifacts/bench.json)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "rows": rows, "results": results}, indent=1))
