"""Replay one mini-batch: import a batch script as the runtime's driver does, run
init(), call run() with the given files (or one DataFrame read from them), and print
what the runtime would write and which contract the call breaks. A deployment spec
target is replayed with its values, as the gate applied them: its program arguments,
environment variables, per-mini-batch timeout and output rules."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TextIO

from ..config.settings import Settings
from ..core.wording import counted
from ..judging.checks import Violation
from ..pipeline.context import RunContext
from ..planning.script import plan
from .checks import BATCH_CHECKS
from .observations import MiniBatch
from .runner import BatchRun
from .runtime import failed_items


def _indented(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def replay_batch(settings: Settings, files: list[Path], out: TextIO) -> int:
    """Returns 0 when the mini-batch scores and no check breaks, else 1."""
    (path,) = settings.scripts
    script = plan(settings, path, Path.cwd())
    run = BatchRun(script, script.settings_for(settings), RunContext())
    try:
        return _replay(run, settings, files, out)
    finally:
        run.close()


def _problem(violation: Violation | None, out: TextIO, settings: Settings) -> bool:
    if violation is None:
        return False
    out.write(settings.spelled(f"{violation.headline}\n"))
    if violation.details:
        out.write(settings.spelled(_indented(violation.details) + "\n"))
    return True


def _replay(run: BatchRun, settings: Settings, files: list[Path], out: TextIO) -> int:
    imported = run.imported()
    early = [c for c in BATCH_CHECKS if c.phase in ("import", "definition")]
    if any([_problem(c.judge(imported), out, settings) for c in early]) or not imported.accepted:
        return 1
    out.write(f"imported {run.script.path.name} as the batch runtime's driver does\n")
    if run.batch.arguments:
        out.write(f"program arguments (after the driver's own): {shlex.join(run.batch.arguments)}\n")
    init = run.initialized()
    assert init is not None
    init_check = next(c for c in BATCH_CHECKS if c.phase == "init")
    if _problem(init_check.judge(init), out, settings):
        return 1
    out.write(f"init() returned in {init.elapsed:.3g} s\n")
    if not files:
        return 0
    if run.batch.inputs == "tabular":
        import pandas  # type: ignore[import-untyped]

        from .minibatches import read_table

        table = pandas.concat([read_table(f) for f in files], ignore_index=True)
        mini_batch = MiniBatch(table=table, source="--batch files")
    else:
        mini_batch = MiniBatch(files=tuple(str(f.resolve()) for f in files), source="--batch files")
    rules = run.batch.rules
    out.write(
        f"\nrun(mini_batch) with {mini_batch.describe()}, within the {run.batch.timeout:g} s mini-batch timeout\n"
    )
    call = run.send_one(mini_batch)
    if call.returned:
        unit = "row" if call.returned_type.endswith("DataFrame") else "element"
        what = f" of {counted(call.count, unit)}" if call.accepted else ""
        out.write(f"run() returned a {call.returned_type}{what} in {call.elapsed:.3g} s\n")
        if call.accepted:
            failed = failed_items(mini_batch.size, call.count)
            out.write(f"items: {min(call.count, mini_batch.size)} succeeded, {failed} failed\n")
            if rules.appends:
                written = _indented(call.written.rstrip())
                out.write(f"\nappend_row would write to {rules.output_file}:\n{written}\n")
            else:
                out.write(
                    "output_action summary_only: the runtime writes no output file, it only counts the elements\n"
                )
    if call.output:
        out.write(f"\nthe script printed:\n{_indented(call.output)}\n")
    out.write("\n")
    broken = [_problem(c.judge(call), out, settings) for c in BATCH_CHECKS if c.phase == "call" and not c.advisory]
    for check in BATCH_CHECKS:
        if check.phase == "call" and check.advisory:
            _problem(check.judge(call), out, settings)
    if not any(broken):
        out.write("no check of this mini-batch breaks\n")
    return 1 if any(broken) else 0
