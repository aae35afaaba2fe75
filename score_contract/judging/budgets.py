"""Budgets a deployment must fit: run()'s latency and the workers' memory, judged on what the
worker measured around each call (not on pytest's clock), and the warnings short of a budget.

The checks are there only when the user sets a budget (--score-latency-p99, --score-max-memory);
the warnings are always given:

- a p99 above half the request timeout: the platform's timeout (request_timeout_ms) counts the
  time a request waits in the queue as well, so a run() that needs half of it already times out
  under load;
- memory that keeps growing while the same bodies are sent again. The repeat phase sends bodies
  the script has handled once already, so whatever memory they need was taken the first time; a
  script that keeps nothing per request stays flat there (measured on every example and
  real-world script of our suite: within 0.06 MB over 20 bodies). Growth is called steady when
  it is at least ``GROWTH_MB`` and RSS rose at half the steps or more, in the second half too:
  a one-off step (a cache filled late, an arena) is not a leak. A leak smaller than about
  25 KB a request hides in page-sized noise over so few calls; that is a limit, not a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.observations import VALID_PHASES, Call, InitResult
from ..core.wording import counted, plural
from .checks import Check, Violation

#: Growth over the repeat phase (MB) below which RSS is taken as flat.
GROWTH_MB = 0.5
#: Below this (MB), a call's peak over what the worker held before it is page-sized noise.
_NOISE_MB = 0.25
#: Calls of the repeat phase needed to tell steady growth from a step.
GROWTH_CALLS = 8


@dataclass(frozen=True)
class Latency:
    """run()'s own times on valid bodies that returned, and the budget."""

    calls: tuple[Call, ...]
    budget_ms: float
    budget_origin: str


@dataclass(frozen=True)
class Memory:
    """The worker's memory after init() and after each call, and what it must fit in."""

    init: InitResult
    calls: tuple[Call, ...]
    budget_mb: float
    budget_origin: str
    workers: int
    workers_origin: str


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.3g} ms"


def nearest_rank(count: int, fraction: float) -> int:
    """The index, in ``count`` ordered values, of the nearest-rank percentile: the smallest value that
    at least ``fraction`` of them do not exceed. Written by hand rather than with
    ``statistics.quantiles``, which interpolates between calls (a p99 no call ever took) and needs two
    data points: a budget is about calls that happened."""
    return max(1, math.ceil(fraction * count)) - 1


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


def _nearest_rank(calls: Sequence[Call], fraction: float) -> Call:
    return sorted(calls, key=lambda c: c.elapsed)[nearest_rank(len(calls), fraction)]


def run_meets_the_latency_budget(latency: Latency) -> Violation | None:
    """run() answers valid bodies within the latency budget: the 99th percentile of its own time,
    measured in the worker around the call, stays within --score-latency-p99."""
    p99 = _nearest_rank(latency.calls, 0.99)
    if p99.elapsed * 1000 <= latency.budget_ms:
        return None
    slowest = sorted(latency.calls, key=lambda c: -c.elapsed)
    over = [c for c in slowest if c.elapsed * 1000 > latency.budget_ms]
    p50 = _nearest_rank(latency.calls, 0.5)
    return Violation(
        f"run()'s p99 latency is {_ms(p99.elapsed)}, over the {latency.budget_ms:g} ms budget"
        f" ({latency.budget_origin})",
        details=(
            f"over {counted(len(latency.calls), 'valid body', 'valid bodies')}: p50 {_ms(p50.elapsed)},"
            f" p99 {_ms(p99.elapsed)}, max {_ms(slowest[0].elapsed)};"
            f" {len(over)} {plural(len(over), 'call', 'calls')} took longer than the budget.\n"
            "Times are run()'s own, taken in the worker around the call: the endpoint adds the network,"
            " the queue and the server's encoding on top."
        ),
        # The smallest body over the budget: the quickest to replay and to reason about.
        body=min(over, key=lambda c: len(c.body.data)).body,
        label="smallest body over the budget",
    )


def workers_fit_in_the_memory_budget(memory: Memory) -> Violation | None:
    """The deployment's workers fit in the memory budget: the worker's peak memory (RSS, after init()
    and while run() handled every body) times the number of workers stays within --score-max-memory.
    Each worker process loads its own copy of the model."""
    init, calls = memory.init, [c for c in memory.calls if c.peak_rss_mb]
    peak = max([init.peak_rss_mb, *(c.peak_rss_mb for c in calls)])
    total = peak * memory.workers
    if total <= memory.budget_mb:
        return None
    times = f" × {memory.workers} workers = {total:.0f} MB" if memory.workers > 1 else ""
    share = memory.budget_mb / memory.workers
    over = _raised_over(init, calls, share) if init.peak_rss_mb <= share else []
    # Each call's own peak (Linux): the smallest body that took the worker over its share; else the
    # mark only rises, and the first call past the share is the one that crossed it.
    culprit = (
        (min(over, key=lambda c: len(c.body.data)) if all(c.own_peak for c in over) else over[0]) if over else None
    )
    where = (
        f"init() alone peaks at {init.peak_rss_mb:.0f} MB, over each worker's share of {share:.0f} MB"
        if culprit is None
        else f"after init() {init.rss_mb:.0f} MB; run() needed {culprit.peak_rss_mb:.0f} MB, over each worker's share"
        f" of {share:.0f} MB, for the body shown"
    )
    return Violation(
        f"peak memory {peak:.0f} MB{times}, over the {memory.budget_mb:g} MB budget ({memory.budget_origin})",
        details=f"{where}.\nworkers: {memory.workers} ({memory.workers_origin}).",
        body=culprit.body if culprit is not None else None,
        label="smallest body over the budget" if culprit is not None and culprit.own_peak else "body over the budget",
    )


def _raised_over(init: InitResult, calls: Sequence[Call], share: float) -> list[Call]:
    """The calls that took the worker's memory over ``share`` themselves. Memory a call frees often stays
    with the process (the allocator keeps it), so a call's own peak is at least what the calls before it
    left: only a peak above what the worker held before the call is that call's doing."""
    raised, before, incarnation = [], init.rss_mb, calls[0].incarnation if calls else 1
    for call in calls:
        if call.incarnation != incarnation:
            # A replacement worker: what it held before is not known.
            before, incarnation = 0.0, call.incarnation
        if call.peak_rss_mb > share and call.peak_rss_mb > before + _NOISE_MB:
            raised.append(call)
        before = call.rss_mb
    return raised


def latency_warning(calls: Sequence[Call], timeout: float) -> str:
    """A p99 above half the request timeout ("" when it is not)."""
    if not calls:
        return ""
    p99 = _nearest_rank(calls, 0.99)
    if p99.elapsed <= timeout / 2:
        return ""
    return (
        f"run()'s p99 latency is {_ms(p99.elapsed)}, more than half of the {timeout:g} s request timeout:"
        " the endpoint's timeout also counts the time a request waits in the queue, so under load such"
        " requests time out (HTTP 408/504); make run() faster or raise request_timeout_ms"
        " (and --score-timeout with it)"
    )


def memory_growth(calls: Sequence[Call]) -> str:
    """Steady growth of the worker's memory while the same bodies were sent again ("" when it is flat)."""
    # The back-to-back pair is sent early, among the first bodies; the repeat phase proper comes last.
    repeat = [c for c in calls if c.phase == "repeat" and not c.back_to_back and c.rss_mb]
    if repeat:
        # Only one worker's figures: a replacement starts from nothing.
        repeat = [c for c in repeat if c.incarnation == repeat[-1].incarnation]
    if len(repeat) < GROWTH_CALLS:
        return ""
    rss = [c.rss_mb for c in repeat]
    growth = rss[-1] - rss[0]
    rises = sum(1 for before, after in zip(rss, rss[1:], strict=False) if after > before)
    middle = len(rss) // 2
    if growth < GROWTH_MB or rises * 2 < len(rss) - 1 or rss[-1] - rss[middle] < growth / 4:
        return ""
    per_request_kb = growth * 1024 / (len(rss) - 1)
    return (
        f"the worker's memory kept growing while the same {len(rss)} bodies were sent again:"
        f" {rss[0]:.1f} MB → {rss[-1]:.1f} MB (+{growth:.1f} MB, about {per_request_kb:.0f} KB a request)."
        " Those bodies had been handled once already, so something is kept per request (a global list or"
        " dict appended to in run(), a cache without a bound): the worker grows until the container runs out"
        " of memory and is restarted"
    )


def budget_checks(latency_ms: float | None, memory_mb: float | None) -> tuple[Check, ...]:
    """The checks of the budgets the user set, in the order they run."""
    checks: tuple[Check, ...] = ()
    if latency_ms is not None:
        checks += (Check(run_meets_the_latency_budget, "budget"),)
    if memory_mb is not None:
        checks += (Check(workers_fit_in_the_memory_budget, "budget"),)
    return checks
