"""The checks of what will be deployed: the spec's files, the environment, the probes' budget.

Each is a small function whose docstring is the contract sentence, as in
:mod:`score_contract.judging.checks`; they come before the script's own checks, which are skipped
with a pointer here when the deployment could not even start.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.observations import InitResult
from ..deployment.envfile import SERVER_DISTRIBUTIONS
from ..judging.checks import Check, Violation
from .installers import last_line
from .prepared import EnvironmentEvidence


@dataclass(frozen=True)
class DeploymentFiles:
    """The spec's file, and the field naming a file or folder that is missing (if any)."""

    spec: str
    missing: tuple[str, str] | None


@dataclass(frozen=True)
class ProbeBudget:
    init: InitResult | None
    budget: float
    origin: str


def deployment_files_exist(files: DeploymentFiles) -> Violation | None:
    """Every file and folder the deployment spec names exists (code_configuration.code and scoring_script,
    model.path, the conda file): the platform refuses the deployment otherwise."""
    if files.missing is None:
        return None
    field, sentence = files.missing
    return Violation(f"{field} in {files.spec}: {sentence}")


def environment_builds(env: EnvironmentEvidence) -> Violation | None:
    """The environment file installs: every requirement resolves and installs on the Python it asks for."""
    if env.refused:
        return Violation(env.refused, details="write the Python the deployment runs on, e.g. python=3.11")
    failure = env.failure
    if failure is None:
        return None
    said = [line for line in failure.output.splitlines() if line.strip()]
    # The platform installs with conda and pip: where uv failed, pip's failure is the verdict.
    decided = f"{failure.installer} after uv" if failure.also else failure.installer
    return Violation(
        f"{env.shown} does not install ({decided}): {last_line(failure.output)}",
        details=f"{failure.command} said:\n"
        + "\n".join(f"    {line}" for line in said)
        + (f"\n{failure.also}" if failure.also else ""),
    )


def environment_has_the_server(env: EnvironmentEvidence) -> Violation | None:
    """The environment holds the inference server (azureml-inference-server-http, directly or through
    azureml-defaults): without it the container never starts."""
    if env.built is None or env.has_server:
        return None
    return Violation(
        f"{env.shown} does not install the inference server: the container would never start",
        details=f"add {SERVER_DISTRIBUTIONS[0]} (or azureml-defaults) to the pip section of {env.shown}",
    )


def imports_are_installed(env: EnvironmentEvidence) -> Violation | None:
    """Every module the script and its local modules import at top level is installed by the environment."""
    if not env.missing:
        return None
    lines = [m.describe(env.shown, env.app_root) for m in env.missing]
    more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
    return Violation(
        f"{lines[0]}{more}: the container fails at start with ModuleNotFoundError",
        details="\n".join(lines),
        location=f"{env.missing[0].where.file}:{env.missing[0].where.line}",
    )


def init_finishes_within_the_probes(probe: ProbeBudget) -> Violation | None:
    """init() finishes within what the liveness probe allows (initial_delay + period × failure_threshold):
    a slower init() gets the container restarted before it is ever ready."""
    init = probe.init
    if init is None or not (init.timed_out or init.elapsed > probe.budget):
        return None
    return Violation(
        f"init() did not finish within the {probe.budget:g} s the liveness probe allows ({probe.origin})",
        details="the platform restarts the container before it is ready, again and again",
    )


DEPLOYMENT_CHECKS: tuple[Check, ...] = (Check(deployment_files_exist, "deployment"),)
ENVIRONMENT_CHECKS: tuple[Check, ...] = (
    Check(environment_builds, "environment"),
    Check(environment_has_the_server, "environment"),
    Check(imports_are_installed, "environment"),
)
PROBE_CHECKS: tuple[Check, ...] = (Check(init_finishes_within_the_probes, "probe"),)


def environment_checks(kind: str) -> tuple[Check, ...]:
    """The environment's checks for a script the online server runs, or the batch runtime: a batch
    endpoint never starts azmlinfsrv, and the official batch environments do not install it."""
    if kind == "batch":
        return tuple(c for c in ENVIRONMENT_CHECKS if c.judge is not environment_has_the_server)
    return ENVIRONMENT_CHECKS
