"""Replay one mini-batch: import a batch script as the runtime's driver does, run
init(), call run() with the given files (or one DataFrame read from them), and print
what the runtime would write and which contract the call breaks."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from ..judging.checks import Violation
from ..settings import Settings, plan
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
    run = BatchRun(script, settings)
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
    out.write(f"\nrun(mini_batch) with {mini_batch.describe()}\n")
    call = run.send_one(mini_batch)
    if call.returned:
        what = (
            f" of {call.count} {'rows' if call.returned_type.endswith('DataFrame') else 'elements'}"
            if call.accepted
            else ""
        )
        out.write(f"run() returned a {call.returned_type}{what} in {call.elapsed:.3g} s\n")
        if call.accepted:
            failed = failed_items(mini_batch.size, call.count)
            out.write(f"items: {min(call.count, mini_batch.size)} succeeded, {failed} failed\n")
            out.write(f"\nappend_row would write to {run.batch.output_file}:\n{_indented(call.written.rstrip())}\n")
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
