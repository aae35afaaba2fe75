"""What a kind of run brings to the pipeline: its checks, its run (how inputs are made and sent, what is observed),
how a check of its own is judged, and how its failures and findings read. The session holds one Kind per kind of
script and calls it, never asking which kind a run is."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from ..config.settings import Settings
from ..judging.checks import Check
from ..judging.verdicts import Verdict
from ..planning.script import Script
from .context import RunContext
from .failures import Failure
from .run import WorkerRun


class Kind(Protocol):
    #: "online", "batch": the value of Script.kind this kind runs.
    name: str
    #: The check that fails when the script did not import (what the shared checks point at when they skip).
    import_check: str

    def checks(self, script: Script, settings: Settings) -> tuple[Check, ...]:
        """This kind's checks of one script, in the order they run (the shared ones go around them)."""
        ...

    def run(self, script: Script, settings: Settings, context: RunContext) -> WorkerRun:
        """A run of one script, gathering its evidence on demand."""
        ...

    def judge(self, check: Check, run: WorkerRun) -> Verdict:
        """What one of this kind's checks concludes from the run's evidence."""
        ...

    def failure(
        self, check: Check, verdict: Verdict, run: WorkerRun, script: Script, settings: Settings, invocation_dir: Path
    ) -> Failure:
        """The text of a failed check of this kind (``settings``: the script's own, for its reproduce line)."""
        ...

    def findings(
        self, check: Check, verdict: Verdict, run: WorkerRun, script: Script, settings: Settings, invocation_dir: Path
    ) -> str:
        """The warning text of what broke only on inputs the gate made up (verdict.findings)."""
        ...

    def figures(self, run: WorkerRun) -> dict[str, Any]:
        """What the reports show of a run beside its checks: latency and memory (None where not measured)."""
        ...
