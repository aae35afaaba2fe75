"""What the deployment and environment checks conclude about one target."""

from __future__ import annotations

from collections.abc import Callable

from ..core.observations import InitResult
from ..judging.checks import Check
from ..judging.verdicts import Verdict
from .checks import ProbeBudget
from .deployed import Deployed


def judge_deployed(check: Check, deployed: Deployed, init: Callable[[], InitResult | None]) -> Verdict:
    """``init``: the script's init() result, gathered only when the probe check asks for it."""
    if check.phase == "deployment":
        files = deployed.files
        assert files is not None
        return _verdict(check.judge(files), ())
    if check.phase == "environment":
        if deployed.files is not None and deployed.files.missing is not None:
            return Verdict(
                "skipped", reason="the deployment names a file that does not exist", blocked_by="deployment_files_exist"
            )
        env = deployed.environment()
        assert env is not None
        if env.unreproducible and check.name == "environment_builds":
            return Verdict("skipped", reason=env.unreproducible)  # not a failure: the platform may build it
        if env.unreproducible:
            blocked = deployed.blocker()
            assert blocked is not None
            return Verdict("skipped", reason=blocked[0], blocked_by=blocked[1])
        if check.name != "environment_builds" and env.built is None:
            return Verdict("skipped", reason="the environment did not build", blocked_by="environment_builds")
        # Only what may make the verdict wrong is a warning; the rest is in the terminal summary.
        notes = (env.interpreter_note,) if check.name == "environment_builds" and env.interpreter_note else ()
        return _verdict(check.judge(env), notes)
    blocked = deployed.blocker()
    if blocked is not None:
        return Verdict("skipped", reason=blocked[0], blocked_by=blocked[1])
    target = deployed.target
    assert target is not None and target.deployment is not None and target.deployment.init_budget is not None
    budget = ProbeBudget(init(), target.deployment.init_budget, target.deployment.init_budget_origin)
    if budget.init is None:
        return Verdict("skipped", reason="the script did not import", blocked_by="module_imports")
    return _verdict(check.judge(budget), ())


def _verdict(found: object, notes: tuple[str, ...]) -> Verdict:
    if found is None:
        return Verdict("passed", judged=1, warnings=notes)
    return Verdict("failed", violations=(found,), judged=1, warnings=notes)  # type: ignore[arg-type]
