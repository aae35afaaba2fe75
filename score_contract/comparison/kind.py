"""The comparison of versions as a kind of run: an online script (every online check, run as the online kind runs
it) with the old version's and production's answers to compare with, judged by :data:`.checks.COMPARISON_CHECKS`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config.settings import Settings
from ..judging.checks import Check
from ..judging.verdicts import Verdict
from ..online.kind import ONLINE
from ..pipeline.context import RunContext
from ..pipeline.failures import Failure
from ..pipeline.run import WorkerRun
from ..planning.script import Script
from . import report, verdicts
from .checks import BASELINE_CHECKS, COMPARISON_CHECKS, PRODUCTION_CHECKS
from .run import ComparisonRun


def _compared(run: WorkerRun) -> ComparisonRun:
    assert isinstance(run, ComparisonRun), "the comparison kind judges its own runs"
    return run


class ComparisonKind:
    name = "comparison"
    import_check = ONLINE.import_check

    def checks(self, script: Script, settings: Settings) -> tuple[Check, ...]:
        comparing = script.comparing
        assert comparing is not None
        own = BASELINE_CHECKS if comparing.baseline is not None else ()
        own += PRODUCTION_CHECKS if comparing.traffic is not None else ()
        return ONLINE.checks(script, settings) + own

    def run(self, script: Script, settings: Settings, context: RunContext) -> WorkerRun:
        return ComparisonRun(script, settings, context)

    def judge(self, check: Check, run: WorkerRun) -> Verdict:
        if check in COMPARISON_CHECKS:
            return verdicts.judge(check, _compared(run))
        return ONLINE.judge(check, run)

    def failure(
        self, check: Check, verdict: Verdict, run: WorkerRun, script: Script, settings: Settings, invocation_dir: Path
    ) -> Failure:
        if check in COMPARISON_CHECKS:
            return report.render(check, verdict, script, settings, invocation_dir, _compared(run).figures())
        return ONLINE.failure(check, verdict, run, script, settings, invocation_dir)

    def findings(
        self, check: Check, verdict: Verdict, run: WorkerRun, script: Script, settings: Settings, invocation_dir: Path
    ) -> str:
        return ONLINE.findings(check, verdict, run, script, settings, invocation_dir)

    def figures(self, run: WorkerRun) -> dict[str, Any]:
        return {**ONLINE.figures(run), "comparison": _compared(run).figures()}


COMPARISON = ComparisonKind()
