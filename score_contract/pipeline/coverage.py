"""What bodies_cover_the_script concludes about one script, and how its failure reads.

Its reproduce command is ``score-contract check`` with the same bodies (samples, schema, seed) and
``--cov-report term``: what no body reached depends on every body sent, not on one to replay.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..config.options import DEFAULT_EXAMPLES
from ..config.settings import Settings
from ..coverage.checks import CoverageEvidence
from ..judging.checks import Check
from ..judging.verdicts import Verdict
from ..planning.script import Script
from .failures import Failure, shown_path
from .run import WorkerRun


def judge_coverage(check: Check, run: WorkerRun, import_check: str) -> Verdict:
    """``import_check``: the kind's check that says why the script did not import."""
    cannot_run = run.deployed.blocker()
    if cannot_run is not None:
        return Verdict("skipped", reason=cannot_run[0], blocked_by=cannot_run[1])
    imported = run.imported()
    if not imported.imported:
        return Verdict("skipped", reason="the script did not import", blocked_by=import_check)
    assert run.settings.cov_fail_under is not None
    figures = run.coverage()
    assert figures is not None
    found = check.judge(CoverageEvidence(figures, run.settings.cov_fail_under))
    if found is None:
        return Verdict("passed", judged=1)
    return Verdict("failed", (found,), judged=1)


def render(check: Check, verdict: Verdict, script: Script, settings: Settings, invocation_dir: Path) -> Failure:
    first = verdict.violations[0]
    reproduce = reproduce_command(script, settings, invocation_dir)
    lines = [f"contract: {check.sentence}", *first.details.splitlines(), f"reproduce: {reproduce}"]
    text = first.headline + "\n" + "\n".join(f"  {line}" for line in lines)
    return Failure(
        settings.spelled(first.headline),
        settings.spelled(text),
        location=script.shown_as,
        reproduce=reproduce,
    )


def reproduce_command(script: Script, settings: Settings, invocation_dir: Path) -> str:
    words = ["score-contract", "check", script.shown_as]
    for flag, path in (
        ("--model-dir", settings.model_dir),
        ("--app-root", settings.app_root),
        ("--samples", settings.samples),
        ("--schema", settings.schema),
    ):
        if path is not None:
            words += [flag, shown_path(path, invocation_dir)]
    if settings.examples != DEFAULT_EXAMPLES:
        words += ["--examples", str(settings.examples)]
    if settings.seed is not None:
        words += ["--seed", str(settings.seed)]
    words += ["--cov-fail-under", f"{settings.cov_fail_under:g}", "--cov-report", "term"]
    return shlex.join(words)
