"""Online scripts as a kind of run: `init()` + `run(data)` served by the official inference server, sent request
bodies (see :mod:`.runner`), judged by the checks of :mod:`score_contract.judging.checks`, the budgets and, with
--score-server, the official server's own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config.settings import Settings
from ..judging.budgets import budget_checks
from ..judging.checks import CHECKS, Check
from ..judging.figures import latency_ms, memory_mb
from ..judging.verdicts import Verdict
from ..official.server_checks import SERVER_CHECKS
from ..pipeline.context import RunContext
from ..pipeline.failures import Failure
from ..pipeline.run import WorkerRun
from ..planning.script import Script
from . import report, verdicts
from .runner import ScriptRun


def _online(run: WorkerRun) -> ScriptRun:
    assert isinstance(run, ScriptRun), "the online kind judges its own runs"
    return run


class OnlineKind:
    name = "online"
    import_check = "module_imports"

    def checks(self, script: Script, settings: Settings) -> tuple[Check, ...]:
        found = CHECKS + budget_checks(settings.latency_p99_ms, settings.max_memory_mb)
        return found + SERVER_CHECKS if settings.server else found

    def run(self, script: Script, settings: Settings, context: RunContext) -> WorkerRun:
        return ScriptRun(script, settings, context)

    def judge(self, check: Check, run: WorkerRun) -> Verdict:
        return verdicts.judge(check, _online(run))

    def failure(
        self, check: Check, verdict: Verdict, run: WorkerRun, script: Script, settings: Settings, invocation_dir: Path
    ) -> Failure:
        online = _online(run)
        body = verdict.violations[0].body if verdict.violations else None
        server_answer = (
            online.server_answer(body) if body is not None and not check.phase.startswith("server-") else None
        )
        contract = online.contract().body if check.phase == "call" else None
        found = report.render(check, verdict, script, settings, invocation_dir, server_answer, contract)
        call = online.call_of(body) if body is not None else None
        return replace(found, output=call.output) if call is not None else found

    def findings(
        self, check: Check, verdict: Verdict, run: WorkerRun, script: Script, settings: Settings, invocation_dir: Path
    ) -> str:
        return report.render_findings(check, verdict.findings, script, settings, invocation_dir)

    def figures(self, run: WorkerRun) -> dict[str, Any]:
        evidence = _online(run).evidence()
        return {
            "latency_ms": latency_ms(evidence.calls),
            "memory_mb": memory_mb(evidence.initialized, evidence.calls),
        }


ONLINE = OnlineKind()
