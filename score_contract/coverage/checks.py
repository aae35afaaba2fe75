"""The coverage check, added only when --score-cov-fail-under is given: a small function whose
docstring is the contract sentence, as in score_contract.judging.checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..judging.checks import Check, Violation
from .results import shown_percent


@dataclass(frozen=True)
class CoverageEvidence:
    """The script's coverage figures (see score_contract.coverage.results) and the minimum asked for."""

    figures: Mapping[str, Any]
    minimum: float


def bodies_cover_the_script(evidence: CoverageEvidence) -> Violation | None:
    """The request bodies sent reach at least --score-cov-fail-under percent of the lines and branches of the
    script and its local modules (import and init() included): what no body reaches, no check has judged."""
    figures = evidence.figures
    if figures.get("percent") is None:
        return Violation(
            f"coverage was not measured, so it cannot reach {evidence.minimum:g}%: {figures.get('note', '')}",
        )
    if figures["percent"] >= evidence.minimum:
        return None
    details = [
        f"reached: {figures['lines']['covered']} of {figures['lines']['total']} lines,"
        f" {figures['branch_count']['covered']} of {figures['branch_count']['total']} branches",
    ]
    details += [f"    {f['file']} {shown_percent(f['percent'])}" for f in figures["files"] if f["percent"] < 100]
    if figures["never_reached"]:
        details.append(f"never reached: {figures['never_reached']}")
    if figures["hint"]:
        details.append(f"{figures['hint']} (run()'s unreached lines and branches are the inputs nobody sent)")
    return Violation(
        f"the bodies sent reached {shown_percent(figures['percent'])} of the script, below --score-cov-fail-under"
        f" {evidence.minimum:g}%",
        details="\n".join(details),
    )


COVERAGE_CHECKS: tuple[Check, ...] = (Check(bodies_cover_the_script, "coverage"),)
