"""Jobs for the bounded-work tests, importable by the fork server's children."""

from __future__ import annotations

import os
import time


def answer(x: int) -> int:
    return x * 2


def pid_then_sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def grow(megabytes: int) -> int:
    """Allocate and touch `megabytes`, a megabyte at a time, slowly enough to be seen."""
    blocks = []
    for _ in range(megabytes):
        blocks.append(bytearray(1 << 20))
        time.sleep(0.002)
    return len(blocks)


def fail() -> None:
    raise ValueError("a bug in the job")
