"""What a check concluded about one script, as plain data every kind of run, the deployment's checks and the
coverage check share; and the one rule that turns what a check found into a verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core.observations import Body, Phase
from .checks import Check, Violation

Outcome = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class Judged:
    """One body a per-call check judged: where it came from, and whether it broke the check."""

    body: Body
    phase: Phase
    broken: bool


@dataclass(frozen=True)
class Verdict:
    """What a check concluded about one script."""

    outcome: Outcome
    #: Every violation found, the one to show first (smallest body) first.
    violations: tuple[Violation, ...] = ()
    #: How many observations the check judged (bodies, for per-call checks).
    judged: int = 0
    #: Why the check was skipped, and which check explains it.
    reason: str = ""
    blocked_by: str = ""
    #: Advisory findings and notes, shown as warnings.
    warnings: tuple[str, ...] = ()
    #: Violations found only on bodies of a contract guessed from the samples: warnings, not failures.
    findings: tuple[Violation, ...] = ()
    #: Per-call checks: every body judged, broken or not (what an explanation of the failure rests on).
    bodies: tuple[Judged, ...] = ()


def shown(violation: Violation) -> str:
    """A violation told as a warning: its headline, then its details."""
    return f"{violation.headline}\n{violation.details}" if violation.details else violation.headline


def verdict_of(check: Check, found: list[Violation | None], judged: int, extra: tuple[str, ...] = ()) -> Verdict:
    """An advisory check's breach is a warning; any other check fails on its first violation."""
    violations = tuple(v for v in found if v is not None)
    if check.advisory:
        return Verdict("passed", judged=judged, warnings=tuple(shown(v) for v in violations[:1]) + extra)
    return Verdict("failed" if violations else "passed", violations, judged=judged, warnings=extra)
