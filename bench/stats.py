"""Summaries of repeated measurements: nearest-rank percentile, median, p95, min, max."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def summarise(values: Sequence[float]) -> dict[str, float | int | None]:
    """Median, p95, min, max and count of measurements (None when there are none)."""
    if not values:
        return {"median": None, "p95": None, "min": None, "max": None, "n": 0}
    return {
        "median": float(statistics.median(values)),
        "p95": percentile(values, 95),
        "min": float(min(values)),
        "max": float(max(values)),
        "n": len(values),
    }
