"""Bounded work under load (issue #16, defect 1), with a real `streamlit run` server: while
one browser session uploads a list of a million rows (49 MB, then 9 MB) and a 10,000-row
list that keeps a core busy, other sessions (websockets speaking Streamlit's protocol, as
`make bench` does) rerun the home page in under a second; closing the uploading page stops
its check. Links with markup or huge values load quickly and render as text."""

from __future__ import annotations

import asyncio
import random
import re
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from bench import streamlit_internals as st_internals
from tests.faults.markup import EVIL, URL_PAYLOADS

from .helpers import open_page, wait_idle

pytestmark = pytest.mark.serial  # times work or loads the machine: run alone

RERUN_BUDGET_S = 1.0
CHECK_WAIT_MS = 90_000  # the check's 30 s budget, a slot, and a busy machine


def _million_rows(title: bytes, pad: int = 7) -> bytes:
    line = b"%0" + str(pad).encode() + b"d,%s\n"
    return b"project_id,title\n" + b"".join(line % (i, title) for i in range(1_000_000))


def _ten_thousand_rows(seed: int = 16) -> bytes:
    """10,000 SYNTHETIC project rows; another `seed`, another file (a checked file is kept)."""
    rng = random.Random(seed)
    words = ["Cyber", "Security", "Capacity", "Incident", "Response", "Training", "Skills"]
    places = ["Kenya", "Ghana", "Peru", "Fiji", "Tonga", "Nepal", "Chile", "Benin", "Laos"]
    rows = [
        f"syn{i},SYNTHETIC {' '.join(rng.sample(words, 3))} for {rng.choice(places)} {i % 97}"
        for i in range(10_000)
    ]
    return ("project_id,title\n" + "\n".join(rows) + "\n").encode()


class Reruns:
    """`n` websocket sessions rerunning the home page again and again in a thread of their
    own; `durations` holds each rerun's seconds (request to "script finished")."""

    def __init__(self, server_url: str, n: int = 3) -> None:
        self.url = server_url.replace("http://", "ws://", 1) + st_internals.STREAM_PATH
        self.n = n
        self.durations: list[float] = []
        self.started: list[float] = []  # when each rerun was asked for (time.monotonic)
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._all()), daemon=True)

    def __enter__(self) -> Reruns:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(30)

    async def _all(self) -> None:
        await asyncio.gather(*(self._one() for _ in range(self.n)))

    async def _one(self) -> None:
        import websockets

        request = st_internals.rerun_request()
        try:
            async with websockets.connect(
                self.url, subprotocols=[st_internals.STREAM_SUBPROTOCOL], max_size=None
            ) as ws:
                first = True
                while not self._stop.is_set():
                    start = time.perf_counter()
                    asked = time.monotonic()
                    await ws.send(request)
                    while not st_internals.script_finished(await ws.recv()):
                        pass
                    if not first:  # the first run of a session builds its page
                        self.durations.append(time.perf_counter() - start)
                        self.started.append(asked)
                    first = False
                    await asyncio.sleep(0.2)
        except Exception as exc:  # reported by the test
            self.errors.append(f"{type(exc).__name__}: {exc}"[:200])


def _open_check(page, server_url: str) -> None:
    open_page(page, server_url + "/projects")
    page.get_by_role("radio", name="Check a list").click()
    wait_idle(page)


def _upload(page, folder: Path, name: str, data: bytes) -> None:
    """Upload `data` as a file called `name` (from disk: a buffer would be copied through
    the browser protocol, which takes a minute for 49 MB)."""
    path = folder / name
    path.write_bytes(data)
    page.locator('input[type="file"]').set_input_files(path)


def _job_processes(server_url: str) -> list[int]:
    """The check processes of this server: children of its fork server."""
    port = server_url.rsplit(":", 1)[1]
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            if b"cbdash.analysis.bounded import serve" not in cmd:
                continue
            parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            if (
                f"--server.port\0{port}".encode()
                not in Path(f"/proc/{parent}/cmdline").read_bytes()
            ):
                continue
            children = Path(f"/proc/{entry.name}/task/{entry.name}/children").read_text()
        except OSError:
            continue
        found += [int(c) for c in children.split()]
    return found


def test_big_uploads_are_refused_or_bounded_while_other_sessions_stay_fast(
    offline, server_url, tmp_path
):
    context, record = offline(1600, 1000)
    page = context.new_page()
    _open_check(page, server_url)
    expect(page.get_by_text(re.compile(r"Limits: at most 10,000 rows"))).to_be_visible()
    phases: list[tuple[float, str]] = []
    with Reruns(server_url) as reruns:
        time.sleep(2)  # the sessions' first runs
        phases.append((time.monotonic(), "49 MB upload"))
        # 1,000,000 rows in 49 MB: refused by the uploader at once, never sent.
        _upload(
            page, tmp_path, "million.csv", _million_rows(b"Cyber capacity building project title")
        )
        expect(
            page.get_by_text(re.compile(r"File must be 10(\.0)? ?MB or smaller"))
        ).to_be_visible()
        # 1,000,000 rows in 9 MB: read within the limits, refused with the row limit.
        phases.append((time.monotonic(), "9 MB upload"))
        _upload(page, tmp_path, "million_small.csv", _million_rows(b"x", pad=1))
        expect(
            page.get_by_text(re.compile(r"1,000,000 rows and 2,000,000 cells, over the limit"))
        ).to_be_visible(timeout=CHECK_WAIT_MS)
        # 10,000 rows: checked in a process of its own, finished or stopped at its budget.
        start = time.monotonic()
        phases.append((start, "10,000-row check"))
        _upload(page, tmp_path, "ten_thousand.csv", _ten_thousand_rows())
        done = page.get_by_text(re.compile(r"of 10000 rows\*?\*? are projects")).or_(
            page.get_by_text("did not finish within 30 seconds")
        )
        expect(done.first).to_be_visible(timeout=CHECK_WAIT_MS)
        checked_in = time.monotonic() - start
        time.sleep(1)
    assert reruns.errors == []
    assert len(reruns.durations) >= 20, reruns.durations
    worst = max(reruns.durations)
    when = reruns.started[reruns.durations.index(worst)]
    during = [name for at, name in phases if at <= when][-1:] or ["warm-up"]
    median = sorted(reruns.durations)[len(reruns.durations) // 2]
    assert worst < RERUN_BUDGET_S, (
        f"another session's rerun took {worst:.2f} s (budget {RERUN_BUDGET_S} s) during the "
        f"{during[0]}; median {median:.3f} s"
    )
    assert checked_in < 45, checked_in
    print(f"{len(reruns.durations)} reruns: max {worst:.3f} s, median {median:.3f} s")
    print(f"the 10,000-row check answered in {checked_in:.1f} s")
    assert not record.page_errors, record


def test_closing_the_page_stops_its_check(offline, server_url, tmp_path):
    context, _ = offline(1600, 1000)
    page = context.new_page()
    _open_check(page, server_url)
    _upload(page, tmp_path, "ten_thousand.csv", _ten_thousand_rows(seed=17))
    expect(page.get_by_text(re.compile(r"of at most 30 s"))).to_be_visible(timeout=CHECK_WAIT_MS)
    assert _job_processes(server_url), "the check should run in a process of its own"
    context.close()  # the session ends
    deadline = time.monotonic() + 5
    while _job_processes(server_url) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _job_processes(server_url) == []


def test_links_with_markup_or_huge_values_load_fast_as_text(offline, server_url):
    context, record = offline(1600, 1000)
    for query in (
        f"?topics={URL_PAYLOADS['topics']}",
        f"?users={URL_PAYLOADS['users']}",  # 10,000 values, 69 KB
        f"?kinds={URL_PAYLOADS['kinds'][:60_000]}",
        f"?present=1&step={URL_PAYLOADS['step']}",
    ):
        page = context.new_page()  # a fresh page: no 69 KB Referer header from the last one
        start = time.monotonic()
        open_page(page, server_url + "/" + query)
        assert time.monotonic() - start < 10, query[:40]
        assert page.locator(f'a[href*="{EVIL}"]').count() == 0, query[:40]
        notes = page.locator('[data-testid="stAlertContentWarning"]')
        assert notes.count() == 1, (query[:40], notes.all_inner_texts())
        page.close()
    assert not record.page_errors, record


def test_a_100_kb_link_is_refused_at_once(offline, server_url):
    """The server answers a request of over ~128 KB of headers with 400 before any script
    runs (a 100 KB link with a browser's headers is one): at once, never a long load."""
    context, _ = offline(1600, 1000)
    page = context.new_page()
    start = time.monotonic()
    try:
        response = page.goto(server_url + "/?kinds=" + URL_PAYLOADS["kinds"])
        status = response.status if response else 0
    except PlaywrightError as exc:
        assert "ERR_HTTP_RESPONSE_CODE_FAILURE" in str(exc)
        status = 400
    assert time.monotonic() - start < 5
    if status == 200:  # a server that takes it: the app ignores the value with one note
        wait_idle(page)
        assert page.locator('[data-testid="stAlertContentWarning"]').count() == 1
    else:
        assert status == 400
