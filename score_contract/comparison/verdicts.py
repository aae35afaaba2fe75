"""What each comparison check concludes, from the comparison a ComparisonRun made.

As the online checks, a comparison check is skipped, with a pointer, when the new version did not import or start.
When the old version could not be run, nothing was compared: ``answers_match_the_baseline`` fails with the old
version's own error (a gate that compared nothing must not pass), and ``contract_is_backward_compatible`` points at
it. When none of production's records could be replayed, ``answers_match_production`` fails naming why.
"""

from __future__ import annotations

from ..core.wording import counted
from ..judging.checks import Check, Violation
from ..judging.verdicts import Verdict, verdict_of
from .checks import answers_match_production, answers_match_the_baseline
from .evidence import Comparison
from .run import ComparisonRun


def judge(check: Check, run: ComparisonRun) -> Verdict:
    blocked = _blocked(run)
    if blocked is not None:
        return blocked
    comparison = run.comparison()
    if check.judge is answers_match_production:
        return _production(check, comparison)
    if comparison.cannot_run is not None:
        if check.judge is answers_match_the_baseline:
            headline, details = comparison.cannot_run
            return Verdict("failed", (Violation(headline, details),))
        return Verdict("skipped", reason="the baseline could not be run", blocked_by="answers_match_the_baseline")
    if not comparison.baseline:
        return Verdict("skipped", reason="no body reached both versions", blocked_by="run_accepts_valid_input")
    if check.judge is answers_match_the_baseline:
        judged = [c for c in comparison.baseline if c.answers is not None]
        if not judged:
            return Verdict("skipped", reason="no body got a 2xx answer from both versions")
    else:
        judged = [c for c in comparison.baseline if c.old_answered]
        if not judged:
            return Verdict("skipped", reason="the baseline answered no body with 2xx: there is nothing it accepted")
    ordered = sorted(judged, key=lambda c: len(c.body.data))
    return verdict_of(check, [check.judge(c) for c in ordered], judged=len(judged))


def _production(check: Check, comparison: Comparison) -> Verdict:
    traffic = comparison.traffic
    assert traffic is not None, "answers_match_production is a check of --score-traffic"
    notes = []
    if traffic.unreplayable:
        shown = "; ".join(f"{name}: {why}" for name, why in traffic.unreplayable[:5])
        more = (
            f"; and {len(traffic.unreplayable) - 5} more (the JSON report names them)"
            if len(traffic.unreplayable) > 5
            else ""
        )
        notes.append(f"{counted(len(traffic.unreplayable), 'production record')} could not be replayed: {shown}{more}")
    unanswered = traffic.unanswered
    if unanswered and comparison.production:
        shown = ", ".join(unanswered[:5]) + (f" and {len(unanswered) - 5} more" if len(unanswered) > 5 else "")
        notes.append(
            f"{counted(len(unanswered), 'replayed request')} had no captured response, so only the other checks judged"
            f" {'it' if len(unanswered) == 1 else 'them'}: {shown}"
        )
    if traffic.unreadable_answers:
        shown = "; ".join(f"{name}: {why}" for name, why in traffic.unreadable_answers[:5])
        notes.append(f"{counted(len(traffic.unreadable_answers), 'captured response')} could not be compared: {shown}")
    if not traffic.exchanges:
        reasons = "; ".join(f"{name}: {why}" for name, why in traffic.unreplayable[:3])
        return Verdict(
            "failed",
            (
                Violation(
                    f"none of the {traffic.requests} production requests in {traffic.origin} could be replayed", reasons
                ),
            ),
        )
    if not comparison.production:
        failed = f", and production failed on {comparison.production_failed}" if comparison.production_failed else ""
        reason = f"no replayed request of {traffic.origin} had its response captured{failed}: nothing to compare with"
        return Verdict("skipped", reason=reason, warnings=tuple(notes))
    ordered = sorted(comparison.production, key=lambda c: len(c.body.data))
    return verdict_of(check, [check.judge(c) for c in ordered], judged=len(ordered), extra=tuple(notes))


def _blocked(run: ComparisonRun) -> Verdict | None:
    """The new version must import and start before anything of it can be compared."""
    cannot_run = run.deployed.blocker()
    if cannot_run is not None:
        return Verdict("skipped", reason=cannot_run[0], blocked_by=cannot_run[1])
    imported = run.imported()
    if not imported.imported:
        return Verdict("skipped", reason="the script did not import", blocked_by="module_imports")
    if not imported.accepted:
        return Verdict("skipped", reason="the server would not accept init()/run()", blocked_by="defines_init_and_run")
    init = run.initialized()
    if init is None or not init.ok:
        return Verdict("skipped", reason="init() failed", blocked_by="init_succeeds")
    return None
