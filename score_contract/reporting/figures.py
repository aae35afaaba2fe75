"""The figures of one script's run: how long import and init() took, the latency of
run() on valid bodies, the worker's memory. Pure functions of the evidence.

Percentiles are nearest-rank, written by hand rather than with
``statistics.quantiles``: that one interpolates between calls (a p99 no call
ever took) and needs two data points; a budget is about calls that happened.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..core.observations import VALID_PHASES, Call, InitResult


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value at least ``fraction`` of them do not exceed."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def timed_calls(calls: Sequence[Call]) -> list[Call]:
    """Calls of run() on valid bodies that returned: those whose time is run()'s own
    (a timeout's time is the deadline, a refusal never reached run())."""
    return [
        c
        for c in calls
        if c.phase in (*VALID_PHASES, "repeat")
        and c.rejected is None
        and c.death is None
        and not c.timed_out
        and c.error is None
    ]


def latency_ms(calls: Sequence[Call]) -> dict[str, Any] | None:
    """p50/p95/p99/max of run() in milliseconds, measured in the worker around the call."""
    times = [c.elapsed * 1000 for c in timed_calls(calls)]
    if not times:
        return None
    return {
        "count": len(times),
        "p50": round(percentile(times, 0.50), 3),
        "p95": round(percentile(times, 0.95), 3),
        "p99": round(percentile(times, 0.99), 3),
        "max": round(max(times), 3),
    }


def memory_mb(init: InitResult | None, calls: Sequence[Call]) -> dict[str, Any] | None:
    """The worker's RSS after init(), its peak, and after the last call, as the worker measured them."""
    if init is None or not init.rss_mb:
        return None
    measured = [c for c in calls if c.rss_mb]
    peak = max([init.peak_rss_mb, *(c.peak_rss_mb for c in measured)])
    return {"after_init": init.rss_mb, "peak": peak, "end": measured[-1].rss_mb if measured else init.rss_mb}


def shown_ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f} ms" if value >= 100 else f"{value:.2g} ms" if value < 1 else f"{value:.1f} ms"


def shown_mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} MB"
