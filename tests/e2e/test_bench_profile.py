"""`make bench`'s browser profile (what it prints for a page over a browser budget) works
against the real app: a traced cold load and filter changes, summarised by self time."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.browser import browser_profile
from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.report import brief_profile

pytestmark = pytest.mark.serial  # times work or loads the machine: run alone


async def _profile(url: str) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            return await browser_profile(browser, url, changes=2)
        finally:
            await browser.close()


def test_browser_profile_of_the_topics_page(server_url):
    # In a thread of its own: the browser fixture's Playwright loop runs in this one.
    with ThreadPoolExecutor(1) as pool:
        profile = pool.submit(asyncio.run, _profile(f"{server_url}/topics")).result()
    assert "error" not in profile, profile.get("error")
    assert profile["cold"]["ms"] > 0 and len(profile["changes"]["ms"]) == 2
    threads = {e["thread"] for e in profile["cold"]["trace"]}
    assert "CrRendererMain" in threads  # the page's main thread did the work
    scripts = {e["script"] for e in profile["changes"]["js"]}
    assert "PlotlyChart" in scripts  # the topics heatmap was redrawn
    assert brief_profile(profile, "changes").startswith("trace (ms, self): ")
