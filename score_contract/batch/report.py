"""The text of a failed batch check: the headline, the contract sentence, the
smallest mini-batch that breaks it, the details, and one command that replays it;
and the warning for what broke only on mini-batches score-contract made up.

A DataFrame mini-batch is replayed from a CSV file of exactly its rows (unless it
is a whole sample file): replaying the sample it came from would send other rows,
which may not break anything.
"""

from __future__ import annotations

import hashlib
import shlex
from pathlib import Path

from ..config.options import APP_ROOT, BATCH_ARGS, INIT_TIMEOUT, MODEL_DIR, TIMEOUT
from ..judging.checks import Check, Violation
from ..judging.verdicts import Verdict
from ..pipeline.failures import Failure, failure, indent, shown_path
from ..planning.script import Script
from .minibatches import edges_folder
from .observations import BatchCall, MiniBatch
from .runner import BatchRun

BODY_LABEL = "smallest failing mini-batch"


def render(
    check: Check, verdict: Verdict, run: BatchRun, script: Script, invocation_dir: Path, call: BatchCall | None
) -> Failure:
    first = verdict.violations[0]
    lines = [f"contract: {check.sentence}"]
    if call is not None:
        lines += _mini_batch_lines(call, BODY_LABEL)
        if len(verdict.violations) > 1:
            lines.append(f"{len(verdict.violations)} of {verdict.judged} mini-batches break this contract")
    if first.details:
        lines.append(first.details)
    reproduce = reproduce_command(script, run, invocation_dir, call.mini_batch if call else None)
    body = call.mini_batch.describe() if call is not None else ""
    return failure(first, lines, reproduce, run.settings, script, invocation_dir, body=body, body_label=BODY_LABEL)


def render_findings(
    check: Check, findings: tuple[Violation, ...], run: BatchRun, invocation_dir: Path, call: BatchCall | None
) -> str:
    """The warning for violations found only on mini-batches score-contract made up."""
    first = findings[0]
    through_context = call is not None and not call.mini_batch.made_up
    if call is None:
        where = "on mini-batches score-contract made up"
    elif through_context:
        where = f"through the mini_batch_context's {call.context_guessed}, which score-contract made up"
    else:
        where = f"on {call.mini_batch.made_up}, not on your samples"
    lines = [f"contract: {check.sentence}"]
    if call is not None:
        lines += _mini_batch_lines(call, "mini-batch")
    if len(findings) > 1:
        lines.append(f"{len(findings)} such mini-batches break this contract")
    if first.details:
        lines.append(first.details)
    if through_context:
        lines.append(
            "score-contract knows no partition_keys of this job and has no Dataset: it passes dataset=None and"
            " answers partition_key_value[KEY] only for a column KEY of a DataFrame mini-batch."
        )
    else:
        lines.append(
            "The runtime passes such inputs when the input folder holds them: handle them in run(), or, if your"
            " inputs can never look like this, ignore this warning. A sample of this shape among yours makes it"
            " a failure."
        )
    script = run.script
    lines.append(f"reproduce: {reproduce_command(script, run, invocation_dir, call.mini_batch if call else None)}")
    headline = f"found only {where}: {first.headline}"
    return run.settings.spelled(headline + "\n" + indent("\n".join(lines)))


def _mini_batch_lines(call: BatchCall, label: str) -> list[str]:
    source = f" ({call.mini_batch.source})" if call.mini_batch.source else ""
    lines = [f"{label}{source}: {call.mini_batch.describe()}"]
    if call.mini_batch.table is not None:
        lines.append(indent(call.mini_batch.table.head(5).to_string(), "    "))
    return lines


def reproduce_command(script: Script, run: BatchRun, invocation_dir: Path, mini_batch: MiniBatch | None) -> str:
    """``score-contract replay --batch`` with the mini-batch's files: the sample files it was made from, the
    files score-contract made, or a CSV file of a DataFrame's rows. A deployment spec target is replayed as
    the spec (replay applies its values again); the options the user gave are repeated."""
    settings = run.settings
    given = settings.given
    # The options first: the mini-batch's files end the command.
    words = ["score-contract", "replay", "--batch"]
    if settings.model_dir is not None and MODEL_DIR.dest in given:
        words += ["--model-dir", shown_path(settings.model_dir, invocation_dir)]
    if settings.app_root is not None and APP_ROOT.dest in given:
        words += ["--app-root", shown_path(settings.app_root, invocation_dir)]
    if TIMEOUT.dest in given:
        words += ["--timeout", f"{settings.timeout:g}"]
    if INIT_TIMEOUT.dest in given:
        words += ["--init-timeout", f"{settings.init_timeout:g}"]
    if run.batch.inputs == "tabular":
        words += ["--batch-input", "tabular"]
    if BATCH_ARGS.dest in given:
        # FLAG=VALUE: arguments that begin with a dash are not taken for replay's own options.
        words.append(f"--batch-args={shlex.join(settings.batch_args)}")
    words.append(script.shown_as)
    if mini_batch is not None:
        words += [_shown(Path(f), invocation_dir) for f in _replayed_files(script, mini_batch)]
    return shlex.join(words)


def _replayed_files(script: Script, mini_batch: MiniBatch) -> tuple[str, ...]:
    if mini_batch.table is None:
        return mini_batch.made_from or mini_batch.files
    if mini_batch.made_from and mini_batch.source.endswith(" as a DataFrame"):
        return mini_batch.made_from  # the whole sample file, as it is
    return (str(saved_rows(script, mini_batch)),)


def saved_rows(script: Script, mini_batch: MiniBatch) -> Path:
    """A CSV file of exactly the mini-batch's rows (named after them), in the folder the edge files live in."""
    text = mini_batch.table.to_csv(index=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    folder = edges_folder(script.path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"mini-batch-{digest}.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _shown(path: Path, invocation_dir: Path) -> str:
    """A file under the folder the user ran from, relative to it; any other, absolute."""
    return shown_path(path, invocation_dir) if path.is_relative_to(invocation_dir) else str(path)
