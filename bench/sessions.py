"""Many viewers without browsers: websocket sessions speaking Streamlit's protocol, as a
browser's Streamlit client does, each asking for the home page at once."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench import streamlit_internals as st_internals
from bench.budgets import VIEWERS
from bench.process import cpu_seconds

SESSION_TIMEOUT_S = 90.0  # a session not served by then counts as an error


async def sessions(base_url: str, server_pid: int | None, n: int = VIEWERS) -> dict[str, Any]:
    """n websocket sessions ask the server for the home page at once: seconds until every
    session has its "script finished" message, errors, and the server's CPU seconds. This
    is the server's share of n viewers; the browsers' test also pays for n renderers on the
    same cores."""
    import websockets

    url = base_url.replace("http://", "ws://", 1) + st_internals.STREAM_PATH
    request = st_internals.rerun_request()

    async def one() -> float:
        async with websockets.connect(
            url, subprotocols=[st_internals.STREAM_SUBPROTOCOL], max_size=None
        ) as ws:
            await ws.send(request)
            while True:
                status = st_internals.finished_status(await ws.recv())
                if status is None:
                    continue
                if status != "FINISHED_SUCCESSFULLY":
                    raise RuntimeError(f"script finished with status {status}")
                return time.perf_counter() - start

    cpu_before = None if server_pid is None else cpu_seconds(server_pid)
    start = time.perf_counter()
    results = await asyncio.gather(
        *(asyncio.wait_for(one(), SESSION_TIMEOUT_S) for _ in range(n)),
        return_exceptions=True,
    )
    done = [r for r in results if isinstance(r, float)]
    return {
        "all_served_s": max(done) if len(done) == n else None,
        "served": len(done),
        "server_cpu_s": None
        if cpu_before is None or server_pid is None
        else (cpu_seconds(server_pid) or 0.0) - cpu_before,
        "errors": [f"{type(r).__name__}: {r}"[:200] for r in results if isinstance(r, Exception)],
    }
