"""What the Azure ML batch runtime does with a scoring script, as pure functions.

The facts, each with its source (details and quotes in the project notes,
``batch_facts.md``):

* The script runs inside the runtime's driver process (``driver/amlbi_main.py``,
  set as the step's script by ``azureml.pipeline.core._parallel_run_step_base``;
  the user's script is passed as ``--scoring_module_name`` and imported as a
  module). So ``sys.argv`` is the driver's: system flags first, then the user's
  arguments (parallel jobs' ``program_arguments``, ParallelRunStep's
  ``arguments``), then the inputs. Batch *model* deployments have no arguments
  field. A script that parses its arguments with ``parse_args()`` instead of
  ``parse_known_args()`` exits with "unrecognized arguments"
  (learn.microsoft.com/azure/machine-learning/how-to-use-parallel-job-in-pipeline).
* Workers do not run in the code folder: "workers change to temp folder"
  (the driver's ``EntryScript`` docstring); the code folder is importable.
* Environment: ``AZUREML_MODEL_DIR`` (the model's folder, batch deployments),
  ``AZUREML_BI_OUTPUT_PATH`` (the job's output folder, where a script that writes
  its own files must write them: how-to-deploy-model-custom-output), plus the
  deployment's ``environment_variables``.
* ``init()`` is optional and called once per worker process, before its first
  ``run()`` (the driver's ``ScoreWrapper``: ``if not self.scoring_init``).
* File inputs: ``mini_batch`` is a ``list`` of absolute path strings, in the
  order the folder is listed (``os.walk``, not sorted), ``mini_batch_size`` files
  at a time (default 10), the last one partial; empty files are passed too
  (the driver's ``FolderOrFileListProvider``; how-to-batch-scoring-script).
  Nested folders are not read by batch endpoints (how-to-mlflow-batch).
* Tabular inputs (parallel jobs with an MLTable, ParallelRunStep with a
  TabularDataset): ``mini_batch`` is a ``pandas.DataFrame``; an empty one is never
  passed to ``run()`` (``ScoreWrapper.run``).
* ``run()`` may return a ``list``, a ``tuple`` (made a list) or a
  ``pandas.DataFrame``; anything else (None, a dict, a generator, a numpy array)
  raises ``EntryScriptRunReturnWrongType`` and fails the mini-batch
  (``ScoreWrapper.run``).
* Counting: each returned element (or row) is one succeeded item, capped at the
  number of inputs; failed items = inputs - returned, held against
  ``error_threshold`` (default -1: ignore) and not retried (the driver's
  ``TaskProcessor``). An exception, or no return within ``retry_settings.timeout``
  (default 30 s), fails the whole mini-batch, which is retried up to
  ``retry_settings.max_retries`` (default 3) times.
* ``output_action: append_row`` writes a list one element per line with
  ``"{}\\n".format(element)`` and a DataFrame with
  ``to_csv(header=None, index=None, sep=" ")`` — space-separated, no header, in
  ``predictions.csv`` (``TaskProcessor.append_to_temp_file``). A dict is written as
  its Python repr, a numpy array of more than 1000 elements with "...", a 2-D array
  or a string with a newline over several lines: "complex data types ... become
  hard to read" (how-to-batch-scoring-script).
* ``output_action: summary_only`` writes no output file: "scoring script will handle
  the output by itself. The script still needs to return one output row per
  successfully-processed input item ... (the actual value of the output row is
  ignored)" (Azure/MachineLearningNotebooks, machine-learning-pipelines/parallel-run
  README; how-to-batch-scoring-script). What the elements hold does not matter then,
  only how many there are.
* ``run(mini_batch, mini_batch_context)``: "ParallelRunStep pass an optional
  positional parameter ``mini_batch_context`` to the ``run`` function"
  (MachineLearningNotebooks' parallel-run/Code/total_file_size.py, the
  partition-per-folder sample), whose ``partition_key_value`` is "a dict ... the keys
  of the dict are those specified in ``partition_keys``" and ``dataset`` "the dataset
  object that corresponds to the mini_batch". The driver passes it to a run() that
  takes two parameters, partitioned or not: azureml-assets' batch_score component, a
  parallel job without partition_keys, reads ``mini_batch_context.minibatch_index``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.wording import counted

#: Defaults of a batch model deployment (reference-yaml-deployment-batch).
DEFAULT_MINI_BATCH_SIZE = 10
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
DEFAULT_OUTPUT_FILE = "predictions.csv"
#: The driver's script, as the runtime starts it.
DRIVER = "driver/amlbi_main.py"
#: How many characters of what the runtime would write a call keeps.
WRITTEN_KEPT = 4000


@dataclass(frozen=True)
class JobRules:
    """What the job makes of a mini-batch's outcome: where its output goes and what a failed item costs."""

    #: "append_row" (the elements go to output_file) or "summary_only" (only their number counts).
    output_action: str = "append_row"
    output_file: str = DEFAULT_OUTPUT_FILE
    #: Failed items the job tolerates in all before it fails; -1 ignores them (the default).
    error_threshold: int = -1
    max_retries: int = DEFAULT_MAX_RETRIES

    @property
    def appends(self) -> bool:
        return self.output_action != "summary_only"

    def failed_items_cost(self, failed: int) -> str:
        """What ``failed`` items counted as failed do to the job, in a sentence."""
        if self.error_threshold < 0:
            if self.appends:
                return (
                    "error_threshold -1 ignores failed items: the job succeeds, and"
                    f" {self.output_file} silently lacks their lines"
                )
            return "error_threshold -1 ignores failed items"
        return (
            f"the job fails once more than {self.error_threshold} items have failed in all"
            f" (error_threshold {self.error_threshold}); {counted(failed, 'item')}"
            f" {'fails' if failed == 1 else 'fail'} in this mini-batch alone"
        )


@dataclass(frozen=True)
class BatchSettings:
    """How the runtime is set up for one script."""

    mini_batch_size: int = DEFAULT_MINI_BATCH_SIZE
    #: retry_settings.timeout: the time one run() call may take.
    timeout: float = DEFAULT_TIMEOUT
    rules: JobRules = field(default_factory=JobRules)
    logging_level: str = "INFO"
    #: "files" (a list of paths) or "tabular" (a DataFrame).
    inputs: str = "files"
    #: The user's program arguments (parallel jobs, ParallelRunStep), as the driver receives them.
    arguments: tuple[str, ...] = ()


def driver_argv(script: Path, settings: BatchSettings, output_dir: Path, input_dir: Path) -> list[str]:
    """``sys.argv`` as the script sees it inside the driver (SDK v1's
    ``_generate_main_file_args``, in its order): the driver's flags, the user's arguments, the inputs."""
    rules = settings.rules
    return [
        DRIVER,
        "--client_sdk_version",
        "1.62.0",
        "--scoring_module_name",
        script.name,
        "--mini_batch_size",
        str(settings.mini_batch_size),
        "--error_threshold",
        str(rules.error_threshold),
        "--output_action",
        rules.output_action,
        "--logging_level",
        settings.logging_level.upper(),
        "--run_invocation_timeout",
        f"{settings.timeout:g}",
        "--run_max_try",
        str(rules.max_retries),
        "--create_snapshot_at_runtime",
        "True",
        "--append_row_file_name",
        rules.output_file,
        "--output",
        str(output_dir),
        *settings.arguments,
        "--input_fds_0",
        str(input_dir),
    ]


def batch_environment(base: Mapping[str, str], model_dir: Path | None, output_dir: Path) -> dict[str, str]:
    """The environment of a batch worker: the model and the output folder (the deployment's own
    variables are set on top by the sandbox, as for an online script)."""
    env = {k: v for k, v in base.items() if k != "AZUREML_MODEL_DIR"}
    env["AZUREML_BI_OUTPUT_PATH"] = str(output_dir)
    if model_dir is not None:
        env["AZUREML_MODEL_DIR"] = str(model_dir)
    return env


def file_batches(paths: list[str], size: int) -> list[list[str]]:
    """A folder's files as the runtime splits them: ``size`` at a time, the last partial."""
    return [paths[start : start + size] for start in range(0, len(paths), size)]


def listed(folder: Path) -> tuple[list[str], list[str]]:
    """The files of a folder as the runtime passes them (absolute, in listing order),
    and its sub-folders, which batch endpoints do not read."""
    files: list[str] = []
    folders: list[str] = []
    for entry in os.scandir(folder):
        (folders if entry.is_dir() else files).append(os.path.abspath(entry.path))
    return files, folders


# -- what run() returned ----------------------------------------------------------


@dataclass(frozen=True)
class Returned:
    """What the runtime makes of run()'s return value."""

    type_name: str
    #: A list, a tuple or a DataFrame: anything else fails the mini-batch.
    accepted: bool
    #: Elements or rows: the items counted as succeeded (before the cap at the inputs).
    count: int = 0
    #: What append_row writes (cut at WRITTEN_KEPT characters).
    written: str = ""
    #: Elements that the output file holds in a form hard to read back, described.
    unreadable: tuple[str, ...] = ()


def type_name(value: object) -> str:
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def is_dataframe(value: object) -> bool:
    return any(c.__name__ == "DataFrame" and c.__module__.startswith("pandas") for c in type(value).__mro__)


def returned(value: object) -> Returned:
    """Judge run()'s return value as ``ScoreWrapper.run`` and ``append_to_temp_file`` do."""
    name = type_name(value)
    if isinstance(value, tuple):
        value = list(value)
    if is_dataframe(value):
        frame: Any = value
        text = frame.to_csv(header=None, index=None, sep=" ")
        return Returned(name, True, len(frame), text[:WRITTEN_KEPT])
    if not isinstance(value, list):
        return Returned(name, False)
    lines: list[str] = []
    unreadable: list[str] = []
    size = 0
    for element in value:
        if size < WRITTEN_KEPT:
            line = "{}\n".format(element)  # noqa: UP032 - the driver's own call, numpy scalars differ from f"{}"
            lines.append(line)
            size += len(line)
        if len(unreadable) < 3:
            problem = unreadable_element(element)
            if problem:
                unreadable.append(problem)
    return Returned(name, True, len(value), "".join(lines)[:WRITTEN_KEPT], tuple(unreadable))


def unreadable_element(element: object) -> str:
    """Why one element of a returned list makes a line that is hard to read back, or ""."""
    text = "{}".format(element)  # noqa: UP032 - as the driver formats it
    shown = text if len(text) <= 80 else text[:80] + "…"
    if "\n" in text:
        return f"a {type_name(element)} that spans {text.count(chr(10)) + 1} lines: {shown!r}"
    if isinstance(element, (dict, set, frozenset)) or (isinstance(element, (list, tuple)) and element):
        return f"a {type_name(element)} written as its Python repr: {shown}"
    if type(element).__module__ == "numpy" and getattr(element, "ndim", 0) >= 1:
        if "..." in text:
            return f"a {type_name(element)} of {getattr(element, 'size', '?')} elements written with '...': {shown}"
        return f"a {type_name(element)} written as its str(): {shown}"
    return ""


def failed_items(inputs: int, count: int) -> int:
    """Items counted as failed: the inputs run() returned no element for."""
    return max(0, inputs - count)
