"""Batch scripts as a kind of run: `init()` + `run(mini_batch)` called by the batch runtime's driver, given
mini-batches made from the user's files (see :mod:`.runner`), judged by :data:`.checks.BATCH_CHECKS`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config.settings import Settings
from ..judging.checks import Check
from ..judging.figures import latency_ms
from ..judging.verdicts import Verdict
from ..pipeline.context import RunContext
from ..pipeline.failures import Failure
from ..pipeline.run import WorkerRun
from ..planning.script import Script
from . import report, verdicts
from .checks import BATCH_CHECKS
from .runner import BatchRun


def _batch(run: WorkerRun) -> BatchRun:
    assert isinstance(run, BatchRun), "the batch kind judges its own runs"
    return run


class BatchKind:
    name = "batch"
    import_check = "script_imports"

    def checks(self, script: Script, settings: Settings) -> tuple[Check, ...]:
        return BATCH_CHECKS

    def run(self, script: Script, settings: Settings, context: RunContext) -> WorkerRun:
        return BatchRun(script, settings, context)

    def judge(self, check: Check, run: WorkerRun) -> Verdict:
        return verdicts.judge(check, _batch(run))

    def failure(
        self, check: Check, verdict: Verdict, run: WorkerRun, script: Script, settings: Settings, invocation_dir: Path
    ) -> Failure:
        batch = _batch(run)
        call = verdicts.first_failing(check, batch) if check.phase in ("call", "repeat") else None
        # The run's own settings: a batch reproduce line repeats what was given, and replays a spec as a spec.
        found = report.render(check, verdict, batch, batch.script, invocation_dir, call)
        return replace(found, output=call.output) if call is not None else found

    def findings(
        self, check: Check, verdict: Verdict, run: WorkerRun, script: Script, settings: Settings, invocation_dir: Path
    ) -> str:
        batch = _batch(run)
        call = verdicts.first_failing(check, batch, guessed=True)
        return report.render_findings(check, verdict.findings, batch, invocation_dir, call)

    def figures(self, run: WorkerRun) -> dict[str, Any]:
        # The runtime times a mini-batch as a whole; run()'s own latency and memory are online figures.
        return {"latency_ms": latency_ms(()), "memory_mb": None}


BATCH = BatchKind()
