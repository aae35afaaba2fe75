"""Batch specs: CLI v2 batch deployments, parallel jobs and the pipeline jobs that hold them.

- **Batch model deployments** (https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json, every
  batch deployment in azureml-examples' cli/endpoints/batch): ``type: model``, ``code_configuration``, ``model``,
  ``environment``, and the job's settings nested under ``settings:`` — ``mini_batch_size`` (default 10),
  ``output_action`` (``append_row``, or ``summary_only``), ``output_file_name`` (``predictions.csv``),
  ``retry_settings.max_retries`` (3) and ``.timeout`` (seconds per mini-batch, 30), ``error_threshold`` (-1: failed
  items never fail the job), ``logging_level`` (info), ``environment_variables``. The older form
  (batchDeployment.schema.json) has the same settings at the top level; both are read, a nested value winning.
  Field names and defaults: learn.microsoft.com reference-yaml-deployment-batch, azure-ai-ml 1.35.2's
  ModelBatchDeploymentSettingsSchema and BatchRetrySettingsSchema.
- **Pipeline component batch deployments** (pipelineComponentBatchDeployment.schema.json, ``type: pipeline``):
  their steps are components with code of their own, not a scoring script; nothing to gate here.
- **Parallel jobs** (``type: parallel``; reference-yaml-job-parallel): ``task.code``, ``task.entry_script``,
  ``task.environment``, ``task.program_arguments`` (the driver passes them to the script, whose ``init()`` often
  parses them with argparse), and the same ``mini_batch_size``, ``retry_settings``, ``error_threshold``,
  ``logging_level``, ``environment_variables`` at the job's level. ``mini_batch_size`` may be a data size
  (``"10kb"``) for tabular inputs: it then sets no file count. In ``program_arguments``, ``${{inputs.NAME}}`` becomes
  the input's value (a local path resolved against the YAML file, or a literal); ``${{outputs.NAME}}`` is left for
  the batch run, which gives each output a folder of its own.
- **Pipeline jobs** (``type: pipeline`` with ``jobs:``): the one parallel job they hold is the target (its
  ``component:`` file read when it has one, its ``${{parent.inputs.NAME}}`` bindings resolved from the pipeline's
  inputs). Several parallel jobs are a usage error naming them.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .declared import REMOTE, Deployment, parts
from .envfile import parse_yaml, read_text
from .fields import Fields
from .known_fields import check_fields

DEFAULT_MINI_BATCH_SIZE = 10
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
_OUTPUT_ACTIONS = ("append_row", "summary_only")
_LOGGING_LEVELS = ("debug", "info", "warning", "error", "critical")
_BINDING = re.compile(r"\$\{\{\s*([\w.]+)\s*\}\}")
#: A data size, for mini-batches of tabular inputs ("10kb", "100 MB").
_DATA_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*[kmgt]?b\s*$", re.IGNORECASE)


def read_batch(data: dict[str, Any], path: Path, shown: str, kind: str) -> Deployment:
    if kind == "pipeline component batch":
        return Deployment(
            path,
            shown,
            "pipeline component batch",
            kind="batch",
            nothing_to_gate=(
                "a pipeline component batch deployment: its steps are components with code of their own, not a"
                " scoring script; gate each component's script (or its parallel job) instead"
            ),
        )
    if kind == "pipeline job":
        return _pipeline(data, path, shown)
    if kind == "parallel job":
        return _parallel(Fields(data, shown), path.parent, path, shown, {})
    return _deployment(data, path, shown)


def _deployment(data: dict[str, Any], path: Path, shown: str) -> Deployment:
    spec = Fields(data, shown)
    # The current form nests the settings; the older one has them at the top. A nested value wins.
    nested = spec.mapping("settings")
    settings = _Either(nested, spec)
    found = parts(spec, path.parent)
    if found.nothing_to_gate and isinstance(data.get("model"), str):
        # A batch deployment without code is a no-code MLflow deployment whatever the reference's type.
        found = type(found)(nothing_to_gate=found.nothing_to_gate)
    retry = settings.mapping("retry_settings")
    variables = {**spec.variables("environment_variables"), **nested.variables("environment_variables")}
    return Deployment(
        path,
        shown,
        "batch",
        kind="batch",
        **found.fields(),
        environment_variables=variables,
        request_timeout=retry.number("timeout", DEFAULT_TIMEOUT, above=True),
        mini_batch_size=settings.integer("mini_batch_size", DEFAULT_MINI_BATCH_SIZE, minimum=1),
        max_retries=retry.integer("max_retries", DEFAULT_MAX_RETRIES, minimum=0),
        error_threshold=settings.integer("error_threshold", -1, minimum=-1),
        output_action=settings.text("output_action", "append_row", choices=_OUTPUT_ACTIONS),
        output_file_name=settings.text("output_file_name", "predictions.csv"),
        logging_level=settings.text("logging_level", "info", choices=_LOGGING_LEVELS),
    )


class _Either:
    """Read a field from the first mapping that has it (a batch deployment's nested settings, then its top level),
    naming it where it was found."""

    def __init__(self, first: Fields, second: Fields) -> None:
        self.first, self.second = first, second

    def _of(self, key: str) -> Fields:
        return self.first if key in self.first.data else self.second

    def mapping(self, key: str) -> Fields:
        return self._of(key).mapping(key)

    def integer(self, key: str, default: int, *, minimum: int) -> int | None:
        return self._of(key).integer(key, default, minimum=minimum)

    def text(self, key: str, default: str, *, choices: tuple[str, ...] = ()) -> str:
        return self._of(key).text(key, default, choices=choices)


def _pipeline(data: dict[str, Any], path: Path, shown: str) -> Deployment:
    spec = Fields(data, shown)
    jobs = spec.mapping("jobs")
    parallel = [name for name, job in jobs.data.items() if isinstance(job, dict) and _is_parallel(job, path.parent)]
    if not parallel:
        return Deployment(
            path,
            shown,
            "pipeline job",
            kind="batch",
            nothing_to_gate="a pipeline job with no parallel job: no step of it calls a batch scoring script",
        )
    if len(parallel) > 1:
        raise UsageError(
            f"{shown}: holds {len(parallel)} parallel jobs ({', '.join(parallel)}): give each one's component file"
            " (its `component:`), or a YAML file of that one job, as the target."
        )
    job = jobs.mapping(parallel[0])
    pipeline_inputs = {str(k): v for k, v in spec.mapping("inputs").data.items()}
    return _parallel(job, path.parent, path, shown, pipeline_inputs)


def _is_parallel(job: dict[str, Any], base: Path) -> bool:
    if str(job.get("type", "")).lower() == "parallel":
        return True
    component = job.get("component")
    if isinstance(component, str) and not component.startswith(REMOTE):
        target = base / component.removeprefix("file:")
        if target.is_file():
            loaded = parse_yaml(read_text(target, component, "component file", "no such component file"), component)
            return isinstance(loaded, dict) and str(loaded.get("type", "")).lower() == "parallel"
    return False


def _parallel(job: Fields, base: Path, path: Path, shown: str, parent_inputs: dict[str, Any]) -> Deployment:
    """A parallel job, or a parallel job of a pipeline (``job`` is its mapping): merged over its component file when
    it names one (the job's own values win)."""
    data = dict(job.data)
    component = data.get("component")
    code_base = base
    if isinstance(component, str) and not component.startswith(REMOTE):
        target = (base / component.removeprefix("file:")).resolve()
        loaded = parse_yaml(read_text(target, component, "component file", "no such component file"), component)
        if not isinstance(loaded, dict):
            raise UsageError(f"{component}: not a parallel component: it is not a mapping of fields.")
        check_fields(loaded, "parallel job", component)
        data = {**loaded, **{k: v for k, v in data.items() if k != "component"}}
        code_base = target.parent  # the task's paths are relative to the component's own file
    check_fields(data, "parallel job", shown)
    spec = Fields(data, job.shown, job.prefix)
    task = spec.mapping("task")
    if not task.data:
        raise UsageError(f"{shown}: {spec.name('task')} is missing: the entry script and its code folder.")
    found = parts(task, code_base, task, script_key="entry_script")
    retry = spec.mapping("retry_settings")
    size_text = spec.data.get("mini_batch_size")
    size = (
        None
        if isinstance(size_text, str) and _DATA_SIZE.match(size_text)
        else spec.integer("mini_batch_size", DEFAULT_MINI_BATCH_SIZE, minimum=1)
    )
    inputs = {str(k): v for k, v in spec.mapping("inputs").data.items()}
    arguments = _arguments(task.text("program_arguments"), inputs, parent_inputs, base, shown)
    return Deployment(
        path,
        shown,
        "parallel job",
        kind="batch",
        **found.fields(),
        environment_variables=spec.variables("environment_variables"),
        request_timeout=retry.number("timeout", DEFAULT_TIMEOUT, above=True),
        mini_batch_size=size,
        max_retries=retry.integer("max_retries", DEFAULT_MAX_RETRIES, minimum=0),
        error_threshold=spec.integer("error_threshold", -1, minimum=-1),
        output_action="append_row" if task.text("append_row_to") else "summary_only",
        logging_level=spec.text("logging_level", "info", choices=_LOGGING_LEVELS),
        program_arguments=arguments,
    )


def _arguments(
    written: str, inputs: dict[str, Any], parent_inputs: dict[str, Any], base: Path, shown: str
) -> tuple[str, ...]:
    """program_arguments as the driver passes them: split as a shell would, each ``${{inputs.NAME}}`` replaced by
    the input's value (``${{outputs.NAME}}`` is kept for the batch run)."""

    def value(name: str, found: dict[str, Any], parent: dict[str, Any]) -> str:
        if name not in found:
            raise UsageError(
                f"{shown}: program_arguments uses ${{{{inputs.{name}}}}}, but the job has no input {name}."
            )
        item = found[name]
        if isinstance(item, dict):
            item = item.get("path", item.get("default", ""))
        text = str(item)
        bound = _BINDING.fullmatch(text.strip())
        if bound and bound.group(1).startswith("parent.inputs."):
            return value(bound.group(1).removeprefix("parent.inputs."), parent, {})
        if bound:
            return text  # another step's output: only the job itself can produce it
        local = text.removeprefix("file:")
        if isinstance(found[name], dict) and not local.startswith(REMOTE):
            return str((base / local).resolve())
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("inputs."):
            return shlex.quote(value(name.removeprefix("inputs."), inputs, parent_inputs))
        return match.group(0)

    try:
        return tuple(shlex.split(_BINDING.sub(replace, written)))
    except ValueError as exc:
        raise UsageError(f"{shown}: program_arguments cannot be split as a command line: {exc}.") from None
