"""The fields each kind of spec may hold, so that a misspelled key (`enviroment:`, `request_setting:`,
`livenessprobe:`) is refused as `az ml` refuses it, instead of silently dropping what it held.

With azure-ai-ml installed (`pip install 'score-contract[azure]'`), its own loaders judge the file
(`load_online_deployment`, `load_batch_deployment`, `load_component`, `load_job`): the platform's client is the
authority, and its schema follows every new field. Without it, the field lists below are checked; they were read off
azure-ai-ml 1.35.2's marshmallow schemas (`azure/ai/ml/_schema/_deployment/online/online_deployment.py`
ManagedOnlineDeploymentSchema and KubernetesOnlineDeploymentSchema, `_deployment/batch/batch_deployment.py`,
`model_batch_deployment.py`, `model_batch_deployment_settings.py`, `pipeline_component_batch_deployment_schema.py`,
`request_settings_schema.py`, `liveness_probe.py`, `code_configuration_schema.py`, `resource_requirements_schema.py`,
`component/parallel_task.py`, `job/parallel_job.py`, `pipeline/component_job.py` ParallelSchema), and for v1 inference
configurations from azureml-core's InferenceConfig and Environment serialisation. Only the mappings the gate reads are
checked below their top level; values under `tags`, `properties` and the like are the user's own.
"""

from __future__ import annotations

import difflib
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import UsageError

_COMMON = frozenset({"$schema", "name", "description", "tags", "properties", "id", "creation_context"})
_DEPLOYMENT = _COMMON | {"endpoint_name", "model", "code_configuration", "environment", "environment_variables"}
_ONLINE = _DEPLOYMENT | {
    "type",
    "instance_type",
    "instance_count",
    "app_insights_enabled",
    "scale_settings",
    "request_settings",
    "liveness_probe",
    "readiness_probe",
    "data_collector",
    "model_mount_path",
    "provisioning_state",
}
_PROBE = frozenset({"initial_delay", "period", "timeout", "success_threshold", "failure_threshold"})
_NESTED_ONLINE = {
    "code_configuration": frozenset({"code", "scoring_script"}),
    "request_settings": frozenset({"request_timeout_ms", "max_concurrent_requests_per_instance", "max_queue_wait_ms"}),
    "liveness_probe": _PROBE,
    "readiness_probe": _PROBE,
}
_BATCH_SETTINGS = frozenset(
    {
        "mini_batch_size",
        "instance_count",
        "max_concurrency_per_instance",
        "output_action",
        "output_file_name",
        "retry_settings",
        "error_threshold",
        "logging_level",
        "environment_variables",
    }
)
_RETRY = frozenset({"max_retries", "timeout"})
_PARALLEL = _COMMON | {
    "type",
    "display_name",
    "experiment_name",
    "compute",
    "identity",
    "inputs",
    "outputs",
    "input_data",
    "mini_batch_size",
    "mini_batch_error_threshold",
    "partition_keys",
    "resources",
    "max_concurrency_per_instance",
    "retry_settings",
    "error_threshold",
    "logging_level",
    "environment_variables",
    "task",
    "component",
    "comment",
    "version",
    "is_deterministic",
    "services",
    "status",
    "log_files",
    "auto_delete_setting",
    "latest_version",
}

#: Each kind of spec: its top-level fields and the fields of the mappings under them that the gate reads.
FIELDS: dict[str, tuple[frozenset[str], dict[str, frozenset[str]]]] = {
    "managed online": (frozenset(_ONLINE | {"egress_public_network_access", "private_network_connection"}), _NESTED_ONLINE),
    "Kubernetes online": (frozenset(_ONLINE | {"resources"}), {**_NESTED_ONLINE, "resources": frozenset({"requests", "limits"})}),
    # The current form nests the job settings under `settings:`; the older one has them at the top level.
    "batch": (
        frozenset(_DEPLOYMENT | _BATCH_SETTINGS | {"type", "compute", "resources", "settings", "job_definition", "component", "provisioning_state"}),
        {
            "code_configuration": _NESTED_ONLINE["code_configuration"],
            "settings": _BATCH_SETTINGS,
            "retry_settings": _RETRY,
            "settings.retry_settings": _RETRY,
        },
    ),
    "parallel job": (
        frozenset(_PARALLEL),
        {
            "task": frozenset({"type", "code", "entry_script", "program_arguments", "model", "append_row_to", "environment"}),
            "retry_settings": _RETRY,
        },
    ),
    "pipeline job": (
        frozenset(
            _COMMON
            | {"type", "display_name", "experiment_name", "compute", "settings", "jobs", "inputs", "outputs",
               "identity", "services", "status", "log_files", "tags"}
        ),
        {},
    ),
    "pipeline component batch": (
        frozenset(_COMMON | {"endpoint_name", "type", "component", "job_definition", "settings"}),
        {},
    ),
    "inference configuration (v1)": (
        frozenset(
            {
                "entryScript", "runtime", "condaFile", "extraDockerfileSteps", "sourceDirectory", "enableGpu",
                "baseImage", "baseImageRegistry", "cudaVersion", "description", "environment", "schemaFile",
            }
        ),
        {
            "environment": frozenset(
                {
                    "name", "version", "python", "environmentVariables", "docker", "spark", "r", "databricks",
                    "inferencingStackVersion", "assetId",
                }
            )
        },
    ),
}  # fmt: skip


def check_fields(data: Mapping[str, Any], kind: str, shown: str) -> None:
    """Refuse the first key this kind of spec does not have, naming the closest one it has."""
    top, nested = FIELDS[kind]
    _check(data, top, "", shown, kind)
    for path, allowed in nested.items():
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if isinstance(value, Mapping):
            _check(value, allowed, f"{path}.", shown, kind)


def _check(data: Mapping[str, Any], allowed: frozenset[str], prefix: str, shown: str, kind: str) -> None:
    for key in data:
        if str(key) in allowed:
            continue
        close = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
        hint = f": did you mean {prefix}{close[0]}?" if close else ""
        raise UsageError(
            f"{shown}: {prefix}{key} is not a field of a {kind} spec{hint} (az ml refuses the file;"
            " what it holds would be ignored)."
        )


#: The azure-ai-ml loader for each kind of spec.
_LOADERS = {
    "managed online": "load_online_deployment",
    "Kubernetes online": "load_online_deployment",
    "batch": "load_batch_deployment",
    "parallel job": "load_component",
}


def azure_ai_ml_installed() -> bool:
    try:
        return importlib.util.find_spec("azure.ai.ml") is not None
    except ModuleNotFoundError:
        return False


def check_with_azure_ai_ml(path: Path, kind: str, shown: str) -> None:
    """The platform's own client judges the file: what it refuses (an unknown field, a value of the wrong type) is
    refused here in one line. Whether the files it names exist is left to the deployment's own check."""
    loader_name = _LOADERS.get(kind)
    if loader_name is None or not azure_ai_ml_installed():
        return
    import azure.ai.ml as aml

    try:
        from marshmallow import ValidationError
    except ImportError:  # pragma: no cover - marshmallow comes with azure-ai-ml
        return
    try:
        getattr(aml, loader_name)(source=str(path))
    except ValidationError as exc:
        refused = _refusals(_tree(exc.messages))
        if refused:
            field, message = refused[0]
            parent, _, key = field.rpartition(".")
            allowed = FIELDS[kind][0] if not parent else FIELDS[kind][1].get(parent, frozenset())
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6) if "unknown" in message else []
            hint = f"; did you mean {parent + '.' if parent else ''}{close[0]}?" if close else ""
            raise UsageError(f"{shown}: azure-ai-ml refuses {field}: {message}{hint}") from None
    except Exception:  # noqa: BLE001 - anything else (a missing local path, a reference) is judged by our checks
        return


#: What azure-ai-ml says of a value it refuses, as opposed to the alternatives of a union field ("In order to
#: specify an existing environment...") or a local path that is missing, which the deployment's check judges.
_REFUSALS = ("Unknown field", "Not a valid", "Invalid input type", "Must be", "Value must be", "must be")


def _tree(messages: Any) -> Any:
    """azure-ai-ml puts its error tree as JSON inside one sentence ("Validation for X failed: {...} Visit ...")."""
    if isinstance(messages, list) and len(messages) == 1 and isinstance(messages[0], str) and "{" in messages[0]:
        import json

        text = messages[0]
        try:
            return json.loads(text[text.index("{") : text.rindex("}") + 1])
        except ValueError:
            return messages
    return messages


def _refusals(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(field, message) for each plain refusal in a marshmallow error tree. A list holding mappings is a union's
    alternatives, each refusing for its own reason: none of them is the one to show."""
    found: list[tuple[str, str]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            found += _refusals(value, prefix if key == "_schema" else f"{prefix}{key}.")
    elif isinstance(messages, list) and not any(isinstance(value, (Mapping, list)) for value in messages):
        for value in messages:
            if any(word in str(value) for word in _REFUSALS):
                found.append((prefix.rstrip("."), str(value).rstrip(".").lower()))
    return found
