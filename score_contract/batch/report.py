"""The text of a failed batch check: the headline, the contract sentence, the
smallest mini-batch that breaks it, the details, and one command that replays it."""

from __future__ import annotations

import shlex
from pathlib import Path

from ..judging.checks import Check
from ..report import Failure, location, shown_path
from ..settings import Script, Settings
from ..verdicts import Verdict
from .observations import BatchCall, MiniBatch
from .runner import BatchRun


def render(
    check: Check, verdict: Verdict, run: BatchRun, script: Script, invocation_dir: Path, call: BatchCall | None
) -> Failure:
    first = verdict.violations[0]
    lines = [f"contract: {check.sentence}"]
    if call is not None:
        source = f" ({call.mini_batch.source})" if call.mini_batch.source else ""
        lines.append(f"smallest failing mini-batch{source}: {call.mini_batch.describe()}")
        if call.mini_batch.table is not None:
            lines.append(_indent(call.mini_batch.table.head(5).to_string(), "    "))
        if len(verdict.violations) > 1:
            lines.append(f"{len(verdict.violations)} of {verdict.judged} mini-batches break this contract")
    if first.details:
        lines.append(first.details)
    reproduce = reproduce_command(script, run, invocation_dir, call.mini_batch if call else None)
    lines.append(f"reproduce: {reproduce}")
    text = first.headline + "\n" + _indent("\n".join(lines))
    settings = run.settings
    return Failure(
        settings.spelled(first.headline),
        settings.spelled(text),
        location=location(first, script, invocation_dir),
        body=call.mini_batch.describe() if call is not None else "",
        reproduce=settings.spelled(reproduce),
    )


def reproduce_command(script: Script, run: BatchRun, invocation_dir: Path, mini_batch: MiniBatch | None) -> str:
    """``score-contract replay --batch`` with the mini-batch's files (the sample files it was made from)."""
    settings: Settings = run.settings
    # The options first: the mini-batch's files end the command.
    words = ["score-contract", "replay", "--batch"]
    if settings.model_dir is not None:
        words += ["--model-dir", shown_path(settings.model_dir, invocation_dir)]
    if settings.app_root is not None:
        words += ["--app-root", shown_path(settings.app_root, invocation_dir)]
    if run.batch.inputs == "tabular":
        words += ["--batch-input", "tabular"]
    words.append(script.shown_as)
    if mini_batch is not None:
        files = mini_batch.made_from or mini_batch.files
        words += [_shown(Path(f), invocation_dir) for f in files]
    return shlex.join(words)


def _shown(path: Path, invocation_dir: Path) -> str:
    """A file under the folder the user ran from, relative to it; any other, absolute."""
    return shown_path(path, invocation_dir) if path.is_relative_to(invocation_dir) else str(path)


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())
