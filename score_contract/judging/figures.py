"""The figures of one script's run: how long import and init() took, the latency of
run() on valid bodies, the worker's memory. Pure functions of the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.observations import Call, InitResult
from .budgets import nearest_rank, timed_calls


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (see judging.budgets.nearest_rank)."""
    return sorted(values)[nearest_rank(len(values), fraction)]


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


def summary_line(shown: str, figures: dict[str, Any]) -> str:
    """One script's figures as the terminal summary shows them, with its budgets ("" when there are none):
    ``score.py: run() p50 1.2 ms, p99 3.4 ms, max 5.0 ms over 131 calls on valid bodies (budget 200 ms); init() 0.81 s;
    memory 74 MB after init(), peak 80 MB × 4 workers (budget 1024 MB)``. The calls timed are those of run() on a
    valid body that returned (budgets.timed_calls): the variations of samples, the invalid bodies, the errors and
    timeouts are sent too but not timed, and a line that said only "over 7 calls" after hundreds were sent read as
    if most were never measured."""
    parts = []
    latency, memory = figures.get("latency_ms"), figures.get("memory_mb")
    budgets = figures.get("budgets") or {}
    if latency:
        budget = budgets.get("latency_p99_ms")
        parts.append(
            f"run() p50 {shown_ms(latency['p50'])}, p99 {shown_ms(latency['p99'])}, max {shown_ms(latency['max'])}"
            f" over {latency['count']} calls on valid bodies" + (f" (budget {budget:g} ms)" if budget else "")
        )
    init_s = (figures.get("timings") or {}).get("init_s")
    if init_s is not None:
        parts.append(f"init() {init_s:.3g} s")
    if memory:
        workers = budgets.get("workers") or 1
        budget = budgets.get("max_memory_mb")
        times = f" × {workers} workers" if workers > 1 and budget else ""
        parts.append(
            f"memory {shown_mb(memory['after_init'])} after init(), peak {shown_mb(memory['peak'])}{times}"
            + (f" (budget {budget:g} MB)" if budget else "")
        )
    return f"{shown}: {'; '.join(parts)}" if parts else ""
