"""The server alone serves many viewers at once: websocket sessions speaking Streamlit's
protocol (what `make bench` reports beside the 20-browser test) all get the home page."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.report import brief_sessions
from bench.sessions import sessions

pytestmark = pytest.mark.serial  # times work or loads the machine: run alone


def test_twenty_websocket_sessions_all_get_the_home_page(server_url):
    # In a thread of its own: the browser fixture's Playwright loop runs in this one.
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(asyncio.run, sessions(server_url, None, n=20)).result()
    assert result["errors"] == []
    assert result["served"] == 20
    assert result["all_served_s"] is not None and result["all_served_s"] > 0
    assert "20 of 20 served" in brief_sessions(result)
