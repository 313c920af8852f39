"""End-to-end fixtures: one `streamlit run app.py` on the shipped data per session, one
headless Debian Chromium per session, and a fresh offline browser context per test.

Every request the page makes to a host other than 127.0.0.1/localhost is aborted and
recorded (the app must render with no internet), and so is every uncaught JS error.

Without /usr/bin/chromium the browser tests are skipped (without the playwright package, not
collected), unless CBDASH_REQUIRE_BROWSER=1 (as in `.ci/run`), which makes either a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# The same browser and flags as `make bench` (Debian's chromium, headless, no GPU).
from bench.chromium import CHROMIUM, CHROMIUM_ARGS

try:
    import playwright.sync_api  # noqa: F401  (the test modules import it)
except ImportError:
    if os.environ.get("CBDASH_REQUIRE_BROWSER") == "1":
        raise
    import warnings

    warnings.warn("browser tests not collected: playwright is not installed", stacklevel=1)
    collect_ignore_glob = ["test_*.py"]

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
REQUIRE_BROWSER = os.environ.get("CBDASH_REQUIRE_BROWSER") == "1"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
VIEWPORTS = {"1920x1080": (1920, 1080), "1280x720": (1280, 720)}
SERVER_START_TIMEOUT = 90.0


def pytest_collection_modifyitems(config, items):
    """Every test in this directory is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _no_browser(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"CBDASH_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (install Debian's chromium to run them)")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, shared by all tests of the session."""
    if not CHROMIUM.exists():
        _no_browser(f"{CHROMIUM} is absent")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def server_url(browser) -> Iterator[str]:
    """`streamlit run app.py` on a free port with the shipped data; yields its base URL.

    Depends on `browser` so that a machine without Chromium skips before starting a server.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "CBDASH_DATA_DIR"}  # shipped data
    ARTIFACTS.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # one server per pytest-xdist worker
    log_path = ARTIFACTS / f"e2e-server{'-' + worker if worker else ''}.log"
    log = log_path.open("w", encoding="utf-8")
    # fmt: off
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
    ]
    # fmt: on
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(url):
            if proc.poll() is not None:
                pytest.fail(
                    f"streamlit exited with {proc.returncode}:\n{log_path.read_text()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit not healthy after {SERVER_START_TIMEOUT:.0f}s:\n"
                    f"{log_path.read_text()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@dataclass
class Offline:
    """What a browser context tried to do that it must not: reach the internet, or throw."""

    external: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname in LOCAL_HOSTS


def new_offline_context(browser, width: int = 1280, height: int = 720):
    """A browser context that aborts and records every non-local request."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    # The table's own "Download as CSV" would otherwise open a native save dialog.
    context.add_init_script("delete window.showSaveFilePicker;")
    record = Offline()

    def route(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            record.external.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", route)
    context.on(
        "page", lambda page: page.on("pageerror", lambda e: record.page_errors.append(str(e)))
    )
    return context, record


@pytest.fixture
def offline(browser):
    """Factory for offline contexts: `context, record = offline(width, height)`.
    Closes them at the end of the test."""
    made = []

    def make(width: int = 1280, height: int = 720):
        context, record = new_offline_context(browser, width, height)
        made.append(context)
        return context, record

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def model():
    """The app's model of the shipped data, to compute what the pages should show."""
    from cbdash.analysis.model import build_model

    return build_model(REPO / "data")
