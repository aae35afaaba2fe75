"""The checks every kind shares, and the dispatch of a check to its judge.

Around a kind's own checks: first the deployment's (the spec's files, its environment, init() against the
probes), last coverage's (it judges what the whole run reached). Those are judged here, the same for every kind;
the rest by the kind.
"""

from __future__ import annotations

from pathlib import Path

from ..config.settings import Settings
from ..coverage.checks import COVERAGE_CHECKS
from ..environments.checks import DEPLOYMENT_CHECKS, PROBE_CHECKS, environment_checks
from ..environments.verdicts import judge_deployed
from ..judging.checks import Check
from ..judging.verdicts import Verdict
from ..planning.script import Script
from .coverage import judge_coverage, render
from .failures import Failure
from .kind import Kind
from .run import WorkerRun

#: The phases of the deployment's checks, judged on the deployment and its environment.
DEPLOYED_PHASES = ("deployment", "environment", "probe")


def checks(kind: Kind, script: Script, settings: Settings) -> tuple[Check, ...]:
    """Every check of one target, in the order they run."""
    last = COVERAGE_CHECKS if settings.cov_fail_under is not None else ()
    return _deployment_checks(script) + kind.checks(script, settings) + last


def _deployment_checks(script: Script) -> tuple[Check, ...]:
    """A deployment spec's files first, then its environment, then init() against its probes."""
    target = script.target
    if target is None:
        return ()
    deployment = target.deployment
    found = DEPLOYMENT_CHECKS if deployment is not None else ()
    if target.env is not None:
        found += environment_checks(script.kind)
    if deployment is not None and deployment.init_budget is not None and script.kind != "batch":
        found += PROBE_CHECKS
    return found


def judge(kind: Kind, check: Check, run: WorkerRun) -> Verdict:
    if check.phase in DEPLOYED_PHASES:
        return judge_deployed(check, run.deployed, run.initialized)
    if check.phase == "coverage":
        return judge_coverage(check, run, kind.import_check)
    return kind.judge(check, run)


def failure(
    kind: Kind, check: Check, verdict: Verdict, run: WorkerRun, script: Script, settings: Settings, invocation_dir: Path
) -> Failure:
    if check.phase == "coverage":
        return render(check, verdict, script, settings, invocation_dir)
    return kind.failure(check, verdict, run, script, settings, invocation_dir)
