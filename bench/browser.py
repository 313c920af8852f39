"""Browser-side measurements: `streamlit run` on 127.0.0.1 and headless Chromium (Playwright).

For each page: cold loads (a fresh browser context, so nothing cached) until the page is
drawn; sidebar filter changes (pick a topic, then clear the topics, alternately; the first
change of a session is not timed) until the rerun's "script finished" message has arrived
and the page is drawn again; the websocket payload bytes received in between. The browser
floor (`bench/floor_browser.py`) is measured the same way, its filter changes before and
after the pages. Then the pages furthest over a browser budget get a trace and a JavaScript
profile, and 20 browser contexts open the home page at once.

"Drawn" means: the script is not running, the page title is there, nothing is stale, no
element is still a loading skeleton, every visible plotly chart has its SVG and every
visible map its canvas (`streamlit_internals.DRAWN_JS`), then two animation frames passed.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import streamlit_internals as st_internals
from bench.budgets import COLD_LOAD, FILTER_CHANGE, VIEWERS, over_budget
from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.pages import APP, ARTIFACTS, BROWSER_FLOOR, Page
from bench.process import StreamlitServer, browser_cpu_seconds, cpu_seconds
from bench.report import brief_page, brief_profile, brief_sessions, brief_viewers
from bench.sessions import sessions
from bench.stats import summarise
from bench.traces import TRACE_CATEGORIES, js_self_times, trace_events, trace_self_times

SLOW_PAGE_SECONDS = 8.0  # a page whose cold load takes longer is loaded once only
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1366, "height": 900}
VIEWERS_POLL_MS = 100  # how often each viewer's page is checked for "drawn"
VIEWERS_TIMEOUT_MS = 90_000  # a viewer not drawn by then counts as an error
FILTER_LABEL = "Topics"  # the sidebar filter that is changed
TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


@dataclass(frozen=True)
class BrowserSettings:
    """How many browser measurements to take (the defaults fit `make bench` in 10 minutes)."""

    cold_runs: int = 2
    changes: int = 4  # timed, after a warm-up: as many as the floor
    floor_cold_runs: int = 3
    floor_changes: int = 4
    floor_viewers: bool = False
    profiled_pages: int = 2  # the pages most over a browser budget get a browser profile


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
        if st_internals.script_finished(payload):
            self.finished.set()

    def arm(self) -> None:
        """Start counting from zero and wait for the next "script finished"."""
        self.armed = True
        self.bytes = 0
        self.finished.clear()


async def wait_drawn(page, timeout: float = TIMEOUT_MS, polling: float | str = "raf") -> None:
    """Wait until the page is drawn, checking on every animation frame (or every `polling`
    milliseconds), then two more frames."""
    await page.wait_for_function(st_internals.DRAWN_JS, polling=polling, timeout=timeout)
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
    errors += await page.evaluate(st_internals.ERRORS_JS)
    return elapsed, errors, page, frames


async def cold_load_and_close(browser, url: str) -> None:
    """One cold load in a context of its own, not measured (it loads the model, for one)."""
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        await cold_load(context, url)
    finally:
        await context.close()


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
    widget = page.locator(st_internals.MULTISELECT).filter(has=box)
    not_a_topic = re.compile(f"^{st_internals.SELECT_ALL}")

    for i in range(warmup + n):
        if i % 2 == 0:
            await box.click()
            option = page.get_by_role("option").filter(has_not_text=not_a_topic).nth(i // 2)
            await option.wait_for(timeout=TIMEOUT_MS)
            action = option.click
        else:
            # A click beside the list closes it (Escape would leave the widget ignoring clicks).
            await page.locator(st_internals.MAIN_TITLE).first.click()
            action = widget.get_by_role("button", name=st_internals.CLEAR_ALL).click
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
                errors += await page.evaluate(st_internals.ERRORS_JS)
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


def average_floor(floor: dict[str, Any], again: dict[str, Any]) -> None:
    """The floor's filter-change median as the mean of its value before the pages and
    `again` after them (both kept), as the server floor is timed before and after."""
    before, after = floor.get("filter_change_ms"), again.get("filter_change_ms")
    floor["filter_change_before_ms"], floor["filter_change_after_ms"] = before, after
    if before is not None and after is not None:
        floor["filter_change_ms"] = (before + after) / 2
    floor["errors"] = sorted(set(floor.get("errors", [])) | set(again.get("errors", [])))


async def viewers(browser, url: str, server_pid: int, n: int = VIEWERS) -> dict[str, Any]:
    """n browser contexts open `url` at once: seconds until all are drawn, errors, and the
    CPU seconds the server and the browser spent meanwhile (to tell a slow server from a
    busy browser)."""
    contexts = [await browser.new_context(viewport=VIEWPORT) for _ in range(n)]
    errors: list[str] = []

    async def one(context) -> float:
        page = await context.new_page()
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        await page.goto(url, wait_until="commit", timeout=VIEWERS_TIMEOUT_MS)
        # Checked every VIEWERS_POLL_MS, not on every frame: twenty pages evaluating a
        # script 60 times a second keep the renderers busy drawing frames for the harness.
        await wait_drawn(page, VIEWERS_TIMEOUT_MS, polling=VIEWERS_POLL_MS)
        errors.extend(await page.evaluate(st_internals.ERRORS_JS))
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


async def browser_profile(
    browser, url: str, changes: int, trace_cold: bool = True
) -> dict[str, Any]:
    """Where a browser's time goes on one page, for a row over budget: a Chrome trace of a
    cold load (if `trace_cold`), then a trace and a JavaScript CPU profile of `changes`
    filter changes, each summarised by self time (`bench.traces`); the traces themselves
    are not kept (tens of MB)."""
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
            out["cold"] = {"ms": elapsed * 1000, "trace": trace_self_times(trace_events(trace))}
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
                "trace": trace_self_times(trace_events(trace)),
                "js": js_self_times(profile),
            }
    except Exception as exc:  # a profile is context for the table; its failure is not fatal
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        await context.close()
    return out


# --- one dataset, from start to end ------------------------------------------------------------


async def browser_bench(
    data_dir: Path,
    pages: Sequence[Page],
    settings: BrowserSettings,
    log: Callable[[str], None],
    label: str,
) -> dict[str, Any]:
    """The browser metrics of one dataset: the floor first, then the app's pages, then the
    floor's filter changes again (the floor server stays up meanwhile, idle); then browser
    profiles of the pages furthest over budget, and many viewers at once."""
    from playwright.async_api import async_playwright

    out: dict[str, Any] = {"pages": {}}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        app: StreamlitServer | None = None
        try:
            floor_log = ARTIFACTS / f"bench-{label}-floor.log"
            floor = StreamlitServer(BROWSER_FLOOR, data_dir, floor_log)
            try:
                out["floor"] = await _measure_floor(browser, floor, settings, log)
                # Started once the floor is measured (loading the model takes the CPU).
                app = StreamlitServer(APP, data_dir, ARTIFACTS / f"bench-{label}-app.log")
                await _measure_pages(browser, app, pages, settings, log, out)
                # The floor's filter changes again, after the pages: the machine's speed
                # drifts over a run, so the budget is the mean of before and after.
                again = await measure_page(browser, floor.url, 1, settings.floor_changes)
                log(f"  browser floor again: {brief_page(again)}")
                average_floor(out["floor"], again)
            finally:
                floor.stop()
            assert app is not None  # reached only when the pages were measured
            await _profile_over_budget(browser, app.url, pages, settings, log, out, label)
            await _many_viewers(browser, app, log, out)
        finally:
            if app is not None:
                app.stop()
            await browser.close()
    return out


async def _measure_floor(
    browser, floor: StreamlitServer, settings: BrowserSettings, log: Callable[[str], None]
) -> dict[str, Any]:
    """The browser floor's cold loads and filter changes (and, if asked, its viewers)."""
    floor.wait_healthy()
    await cold_load_and_close(browser, floor.url)  # loads the model
    out = await measure_page(browser, floor.url, settings.floor_cold_runs, settings.floor_changes)
    log(f"  browser floor: {brief_page(out)}")
    if settings.floor_viewers:
        out["viewers"] = await viewers(browser, f"{floor.url}/", floor.proc.pid)
        log(f"  {VIEWERS} viewers of the floor: {brief_viewers(out)}")
    return out


async def _measure_pages(
    browser,
    app: StreamlitServer,
    pages: Sequence[Page],
    settings: BrowserSettings,
    log: Callable[[str], None],
    out: dict[str, Any],
) -> None:
    """The app's start, its first page load, then every page's cold loads and filter changes."""
    out["server_start_s"] = app.wait_healthy()
    start = time.perf_counter()
    await cold_load_and_close(browser, app.url)
    out["first_load_s"] = time.perf_counter() - start
    for page in pages:
        url = f"{app.url}/{page.url_path}"
        out["pages"][page.name] = await measure_page(
            browser, url, settings.cold_runs, settings.changes
        )
        log(f"  browser {page.name}: {brief_page(out['pages'][page.name])}")


async def _profile_over_budget(
    browser,
    app_url: str,
    pages: Sequence[Page],
    settings: BrowserSettings,
    log: Callable[[str], None],
    out: dict[str, Any],
    label: str,
) -> None:
    """A browser profile of the pages furthest over a browser time budget: two filter changes
    if those are over, and a traced cold load if that is over too."""
    for name, metrics in over_budget(out, label)[: settings.profiled_pages]:
        url = f"{app_url}/{next(p.url_path for p in pages if p.name == name)}"
        changes = 2 if FILTER_CHANGE in metrics else 0
        profile = await browser_profile(browser, url, changes, trace_cold=COLD_LOAD in metrics)
        out["pages"][name]["browser_profile"] = profile
        for part in ("changes", "cold"):
            if part in profile:
                log(f"  profile {name} {part}: {brief_profile(profile, part)}")


async def _many_viewers(
    browser, app: StreamlitServer, log: Callable[[str], None], out: dict[str, Any]
) -> None:
    """Websocket sessions, then browsers, opening the home page at once; the server's peak RSS."""
    out["sessions"] = await sessions(app.url, app.proc.pid)
    log(f"  {VIEWERS} {brief_sessions(out['sessions'])}")
    out["viewers"] = await viewers(browser, f"{app.url}/", app.proc.pid)
    log(f"  {VIEWERS} viewers of the home page: {brief_viewers(out)}")
    out["rss_mb"] = app.peak_rss_mb()
