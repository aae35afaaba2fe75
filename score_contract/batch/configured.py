"""How the batch runtime is set up for one script: its defaults, what the deployment spec declares (a batch
deployment's ``settings:``, a parallel job's fields), and the options the user gave, which win.

The spec's values arrive already read and checked (score_contract.deployment); this module only decides
what each means for the run: the per-mini-batch timeout, the rules the job applies to a mini-batch's
outcome, the program arguments with each ``${{outputs.NAME}}`` given a folder of the run's own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..config.options import BATCH_ARGS, BATCH_INPUT, TIMEOUT
from . import runtime

if TYPE_CHECKING:
    from ..config.settings import Settings
    from ..deployment.declared import Deployment

#: A job's output in program_arguments: only the job gives it a path, so the run gives it a folder.
_OUTPUT = re.compile(r"\$\{\{\s*outputs\.([\w-]+)\s*\}\}")
#: What ParallelRunStep and parallel jobs name the append_row file when nothing names it (the
#: parallel-run README of Azure/MachineLearningNotebooks: "one unique file named parallel_run_step.txt").
PARALLEL_OUTPUT_FILE = "parallel_run_step.txt"


def batch_settings(settings: Settings, deployment: Deployment | None, outputs: Path) -> runtime.BatchSettings:
    """``outputs``: where each ``${{outputs.NAME}}`` of the program arguments gets its folder."""
    given = settings.given
    spec = deployment if deployment is not None and deployment.kind == "batch" else None
    # The spec's retry_settings.timeout is already the run's timeout (planning.targets); without a spec and
    # without --score-timeout, the online default (5 s) is no batch timeout: the runtime's own 30 s is.
    timeout = settings.timeout if TIMEOUT.dest in given or spec is not None else runtime.DEFAULT_TIMEOUT
    inputs = settings.batch_input
    if spec is not None and spec.format == "parallel job" and spec.mini_batch_size is None:
        # A data size ("10kb") is a mini_batch_size of tabular inputs only: "For TabularDataset input it is
        # approximate size of data" (ParallelRunConfig, mini_batch_size).
        inputs = inputs if BATCH_INPUT.dest in given else "tabular"
    rules = runtime.JobRules()
    if spec is not None:
        default_file = PARALLEL_OUTPUT_FILE if spec.format == "parallel job" else runtime.DEFAULT_OUTPUT_FILE
        rules = runtime.JobRules(
            output_action=spec.output_action or rules.output_action,
            output_file=spec.output_file_name or default_file,
            error_threshold=spec.error_threshold if spec.error_threshold is not None else rules.error_threshold,
            max_retries=spec.max_retries if spec.max_retries is not None else rules.max_retries,
        )
    if BATCH_ARGS.dest in given or spec is None:
        arguments = settings.batch_args
    else:
        arguments = with_outputs(spec.program_arguments, outputs)
    return runtime.BatchSettings(
        mini_batch_size=settings.mini_batch_size,
        timeout=timeout,
        rules=rules,
        logging_level=(spec.logging_level if spec is not None and spec.logging_level else "info"),
        inputs=inputs,
        arguments=arguments,
    )


def with_outputs(words: tuple[str, ...], outputs: Path) -> tuple[str, ...]:
    """Each ``${{outputs.NAME}}`` replaced by a folder ``outputs/NAME``, made for the script to write in."""

    def folder(match: re.Match[str]) -> str:
        path = outputs / match.group(1)
        path.mkdir(parents=True, exist_ok=True)
        return str(path)

    return tuple(_OUTPUT.sub(folder, word) for word in words)
