"""A deployment spec read into what the gate needs (see :mod:`.declared` for what that is).

Which kind of spec a file is, from its ``$schema`` and ``type`` (else from the fields it holds), then the reader of
that kind: CLI v2 online deployments (:mod:`.online_spec`), batch deployments, parallel jobs and pipeline jobs
(:mod:`.batch_spec`), SDK/CLI v1 inference configurations (:mod:`.v1`). Each field's type is checked as ``az ml``
checks it (:mod:`.fields`); an unknown field is refused (:mod:`.known_fields`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..config.options import SPEC_SUFFIXES
from ..errors import UsageError
from .batch_spec import read_batch
from .declared import Deployment as Deployment
from .envfile import parse_yaml, read_text
from .known_fields import azure_ai_ml_installed, check_fields, check_with_azure_ai_ml
from .online_spec import read_online
from .v1 import read_v1


def is_spec(path: Path) -> bool:
    return path.suffix.lower() in SPEC_SUFFIXES


def read_spec(path: Path, shown: str) -> Deployment:
    text = read_text(path, shown, "deployment file", "no such deployment file")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{shown}: not valid JSON (line {exc.lineno}: {exc.msg}).") from None
        if not isinstance(data, dict) or "entryScript" not in data:
            raise UsageError(f"{shown}: not an inference configuration: it has no entryScript.")
        check_fields(data, "inference configuration (v1)", shown)
        return read_v1(data, path, shown)
    data = parse_yaml(text, shown)
    if not isinstance(data, dict):
        raise UsageError(f"{shown}: not a deployment spec: it is not a mapping of fields.")
    kind = recognise(data, shown)
    if azure_ai_ml_installed():
        check_with_azure_ai_ml(path, kind, shown)
    else:
        check_fields(data, kind, shown)
    if kind in ("batch", "parallel job", "pipeline job", "pipeline component batch"):
        return read_batch(data, path, shown, kind)
    return read_online(data, path, shown, kind)


def recognise(data: dict[str, Any], shown: str) -> str:
    """Which kind of spec a YAML file is, from its $schema and type, else from the fields it holds."""
    schema = str(data.get("$schema", ""))
    kind = str(data.get("type", "")).lower()
    if "pipelineComponentBatchDeployment" in schema or (kind == "pipeline" and "component" in data):
        return "pipeline component batch"
    if "BatchDeployment" in schema or "batchDeployment" in schema:
        return "batch"
    if kind == "pipeline" or "pipelineJob" in schema:
        return "pipeline job"
    if kind == "parallel" or "parallel" in schema.lower():
        return "parallel job"
    if "kubernetes" in schema.lower() or kind == "kubernetes":
        return "Kubernetes online"
    if "OnlineDeployment" in schema or kind == "managed":
        return "managed online"
    settings = data.get("settings")
    if any(k in data for k in ("mini_batch_size", "output_action", "retry_settings", "error_threshold")) or (
        isinstance(settings, dict) and "mini_batch_size" in settings
    ):
        return "batch"
    if "code_configuration" in data or "model" in data or "environment" in data:
        return "managed online"
    raise UsageError(
        f"{shown}: not a deployment spec: it has no code_configuration, model or environment"
        " (give a scoring script, or a CLI v2 deployment YAML)."
    )
