"""What each batch check concludes about one batch script, from a BatchRun's evidence.

As for online scripts: a check whose prerequisite failed is skipped with a pointer
to the check that says why; a per-call check judges every mini-batch, smallest
first; advisory checks and notes become warnings. And as the online side does with
bodies varied from a guessed contract: what breaks only on mini-batches that
score-contract made up (an empty file none of the samples is like, a generated
DataFrame, a value of the mini_batch_context it could not know) is a warning, a
*finding*, not a failure.
"""

from __future__ import annotations

from dataclasses import replace

from ..config.options import SAMPLES
from ..judging.checks import Check, Violation
from ..judging.verdicts import Verdict, verdict_of
from .observations import BatchCall
from .runner import BatchRun

#: The check that carries the notes and fails when no mini-batch was sent.
MAIN_CHECK = "run_handles_every_mini_batch"


def judge(check: Check, run: BatchRun) -> Verdict:
    """One of this kind's own checks (the shared ones are judged by score_contract.pipeline.judge)."""
    cannot_run = run.deployed.blocker()
    if cannot_run is not None:
        return Verdict("skipped", reason=cannot_run[0], blocked_by=cannot_run[1])
    imported = run.imported()
    if check.phase == "import":
        return verdict_of(check, [check.judge(imported)], 1)
    if not imported.imported:
        return Verdict("skipped", reason="the script did not import", blocked_by="script_imports")
    if check.phase == "definition":
        return verdict_of(check, [check.judge(imported)], 1)
    if not imported.accepted:
        return Verdict(
            "skipped", reason="the runtime could not call run(mini_batch)", blocked_by="run_takes_a_mini_batch"
        )
    init = run.initialized()
    if check.phase == "init":
        return verdict_of(check, [check.judge(init)], 1)
    if init is None or not init.ok:
        return Verdict("skipped", reason="init() failed", blocked_by="init_succeeds")
    calls = run.calls()
    notes = tuple(run.notes) if check.name == MAIN_CHECK else ()
    if check.phase == "session":
        return verdict_of(check, [check.judge(run.evidence())], 1, notes)
    mine = ordered(check, calls)
    if not [c for c in calls if c.phase == "batch"]:
        if check.name == MAIN_CHECK:
            return Verdict("failed", (never_called(run),), warnings=notes)
        return Verdict("skipped", reason="run() was never given a mini-batch", blocked_by=MAIN_CHECK)
    if not mine:
        refused = any(c.returned and not c.accepted for c in calls)
        blocker = "run_returns_a_list_or_dataframe" if refused else MAIN_CHECK
        return Verdict("skipped", reason="no mini-batch gave an output to run again", blocked_by=blocker)
    found = [(c, check.judge(c)) for c in mine]
    verdict = verdict_of(check, [v for c, v in found if not c.guessed], len(mine), notes)
    findings = tuple(v for c, v in found if v is not None and c.guessed)
    return replace(verdict, findings=findings) if verdict.outcome == "passed" and not check.advisory else verdict


def ordered(check: Check, calls: tuple[BatchCall, ...]) -> list[BatchCall]:
    """The calls a per-call check judges, the smallest mini-batch first."""
    phase = "repeat" if check.phase == "repeat" else "batch"
    mine = [c for c in calls if c.phase == phase and not c.not_called]
    return sorted(mine, key=lambda c: c.mini_batch.size)


def first_failing(check: Check, run: BatchRun, guessed: bool = False) -> BatchCall | None:
    """The call whose violation a failure (or, ``guessed``, a finding) shows in full."""
    return next(
        (c for c in ordered(check, run.calls()) if bool(c.guessed) == guessed and check.judge(c) is not None), None
    )


def never_called(run: BatchRun) -> Violation:
    samples = run.settings.flag(SAMPLES)
    if run.batch.inputs == "tabular":
        what = "CSV or parquet files, each read into a DataFrame as an MLTable would be"
    else:
        what = "the files a job's input folder holds (CSV, images, anything), passed as a list of their paths"
    return Violation(
        "run() was never given a mini-batch",
        f"there were no sample files to make mini-batches of.\nPut sample input files in a samples/ folder beside"
        f" the script (or give {samples} PATH): {what}.",
    )
