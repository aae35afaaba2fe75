"""A deployment spec read into what the gate needs: the scoring script, the code folder, the model,
the environment, the environment variables and the platform's time limits.

Formats, as the official references define them:

- CLI v2 online deployments (https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json,
  kubernetesOnlineDeployment.schema.json; learn.microsoft.com reference-yaml-deployment-managed-online):
  ``code_configuration.code`` (a local folder, relative to the YAML file) and ``scoring_script``
  (relative to it); ``model`` inline with a local ``path`` or a reference ``azureml:name:version``;
  ``environment`` inline (``conda_file``, ``image``) or a reference; ``environment_variables``;
  ``request_settings.request_timeout_ms`` (default 5000) and ``max_concurrent_requests_per_instance``
  (default 1); ``liveness_probe`` / ``readiness_probe`` (``initial_delay`` 10, ``period`` 10,
  ``failure_threshold`` 30 by default); ``instance_type``.
- CLI v2 batch deployments (batchDeployment.schema.json): the same ``code_configuration``, ``model``,
  ``environment`` and ``environment_variables``, with ``mini_batch_size`` (default 10) and
  ``retry_settings.timeout`` (seconds per mini-batch, default 30).
- SDK/CLI v1 inference configuration JSON (``az ml model deploy --ic``; azureml-core's
  InferenceConfig): ``entryScript``, ``sourceDirectory``, ``environment`` (``python.condaDependencies``
  inline, or ``name``/``version`` of a registered one), or the older ``condaFile``. It names no model:
  the model comes from ``--score-model-dir``.

The init() budget is what the liveness probe allows before the platform restarts the container:
``initial_delay + period × failure_threshold`` (310 s by default).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..environments.envfile import parse_yaml, read_text
from ..errors import UsageError

_PROBE_DEFAULTS = {"initial_delay": 10, "period": 10, "failure_threshold": 30}
_REQUEST_TIMEOUT_MS = 5000
_BATCH_TIMEOUT = 30
SPEC_SUFFIXES = (".yml", ".yaml", ".json")


@dataclass(frozen=True)
class Deployment:
    """What one deployment spec says, with paths resolved against its folder."""

    source: Path
    shown: str
    #: "managed online", "Kubernetes online", "batch" or "inference configuration (v1)".
    format: str
    kind: str = "online"
    script: Path | None = None
    code: Path | None = None
    #: A declared file or folder that does not exist: (field, sentence). The deployment fails the same way.
    missing: tuple[str, str] | None = None
    #: The model's local path (a file or a folder), its name and version as the platform mounts them.
    model_path: Path | None = None
    model_name: str = ""
    model_version: str = ""
    #: A reference the gate cannot resolve offline, by field: ("model", "azureml:my-model:3").
    references: tuple[tuple[str, str], ...] = ()
    env_file: Path | None = None
    #: An inline conda specification (v1 ``python.condaDependencies``), when there is no file.
    env_inline: dict[str, Any] | None = None
    env_field: str = ""
    image: str = ""
    environment_variables: dict[str, str] = field(default_factory=dict)
    request_timeout: float | None = None
    max_concurrent: int | None = None
    init_budget: float | None = None
    init_budget_origin: str = ""
    instance_type: str = ""
    mini_batch_size: int | None = None

    @property
    def workers(self) -> int | None:
        """The server's worker count, when the deployment sets WORKER_COUNT."""
        value = self.environment_variables.get("WORKER_COUNT", "")
        return int(value) if value.isdigit() and int(value) > 0 else None


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
        return _v1(data, path, shown)
    data = parse_yaml(text, shown)
    if not isinstance(data, dict) or not ("code_configuration" in data or "model" in data or "environment" in data):
        raise UsageError(
            f"{shown}: not a deployment spec: it has no code_configuration, model or environment"
            " (give a scoring script, or a CLI v2 deployment YAML)."
        )
    return _v2(data, path, shown)


def _v2(data: dict[str, Any], path: Path, shown: str) -> Deployment:
    base = path.parent
    schema = str(data.get("$schema", ""))
    batch = "batchDeployment" in schema or any(
        k in data for k in ("mini_batch_size", "output_action", "retry_settings")
    )
    kubernetes = "kubernetes" in schema.lower() or str(data.get("type", "")).lower() == "kubernetes"
    kind_name = "batch" if batch else "Kubernetes online" if kubernetes else "managed online"
    references: list[tuple[str, str]] = []
    missing: tuple[str, str] | None = None

    code = script = None
    config = data.get("code_configuration")
    if config is not None:
        if not isinstance(config, dict) or "scoring_script" not in config:
            raise UsageError(f"{shown}: code_configuration needs code and scoring_script.")
        code_value = str(config.get("code", "."))
        if code_value.startswith("azureml:"):
            references.append(("code_configuration.code", code_value))
        else:
            code = (base / code_value).resolve()
            script = (code / str(config["scoring_script"])).resolve()
            if not code.is_dir():
                missing = ("code_configuration.code", f"the code folder {code_value} does not exist")
            elif not script.is_file():
                missing = (
                    "code_configuration.scoring_script",
                    f"the scoring script {config['scoring_script']} is not in {code_value}",
                )
    else:
        missing = ("code_configuration", "it names no scoring script (a no-code deployment): there is nothing to gate")

    model_path, name, version = None, "", ""
    model = data.get("model")
    if isinstance(model, str):
        references.append(("model", model))
    elif isinstance(model, dict):
        name, version = str(model.get("name", "")), str(model.get("version", ""))
        value = str(model.get("path", ""))
        if not value or value.startswith(("azureml:", "azureml://", "https://", "http://", "wasbs://", "runs:")):
            references.append(("model.path" if value else "model", value or "a model with no path"))
        else:
            model_path = (base / value).resolve()
            if not model_path.exists() and missing is None:
                missing = ("model.path", f"the model {value} does not exist")

    env_file, env_field, image = None, "", ""
    environment = data.get("environment")
    if isinstance(environment, str):
        references.append(("environment", environment))
    elif isinstance(environment, dict):
        image = str(environment.get("image", ""))
        if environment.get("conda_file"):
            env_field = "environment.conda_file"
            env_file = (base / str(environment["conda_file"])).resolve()
            if not env_file.is_file() and missing is None:
                missing = (env_field, f"the conda file {environment['conda_file']} does not exist")
        elif environment.get("build"):
            references.append(("environment.build", "a Docker build context"))
        else:
            references.append(("environment.image", image or "an environment with neither conda_file nor image"))

    variables = {str(k): str(v) for k, v in (data.get("environment_variables") or {}).items()}
    request = data.get("request_settings") or {}
    probe = {**_PROBE_DEFAULTS, **(data.get("liveness_probe") or {})}
    budget = float(probe["initial_delay"]) + float(probe["period"]) * float(probe["failure_threshold"])
    retry = data.get("retry_settings") or {}
    return Deployment(
        path,
        shown,
        kind_name,
        kind="batch" if batch else "online",
        script=script,
        code=code,
        missing=missing,
        model_path=model_path,
        model_name=name,
        model_version=version,
        references=tuple(references),
        env_file=env_file,
        env_field=env_field,
        image=image,
        environment_variables=variables,
        request_timeout=(
            float(retry.get("timeout", _BATCH_TIMEOUT))
            if batch
            else float(request.get("request_timeout_ms", _REQUEST_TIMEOUT_MS)) / 1000
        ),
        max_concurrent=None if batch else int(request.get("max_concurrent_requests_per_instance", 1)),
        init_budget=None if batch else budget,
        init_budget_origin=(
            ""
            if batch
            else f"liveness_probe: initial_delay {probe['initial_delay']} + period {probe['period']}"
            f" × failure_threshold {probe['failure_threshold']}"
        ),
        instance_type=str(data.get("instance_type", "")),
        mini_batch_size=int(data["mini_batch_size"]) if batch and "mini_batch_size" in data else None,
    )


def _v1(data: dict[str, Any], path: Path, shown: str) -> Deployment:
    base = path.parent
    code = (base / str(data.get("sourceDirectory") or ".")).resolve()
    script = (code / str(data["entryScript"])).resolve()
    if not script.is_file() and data.get("sourceDirectory"):
        # Older configurations give entryScript relative to the file, with the source folder beside it.
        beside = (base / str(data["entryScript"])).resolve()
        script = beside if beside.is_file() else script
    missing = None
    if not code.is_dir():
        missing = ("sourceDirectory", f"the source folder {data.get('sourceDirectory')} does not exist")
    elif not script.is_file():
        missing = ("entryScript", f"the entry script {data['entryScript']} does not exist")
    references: list[tuple[str, str]] = []
    env_file, inline, env_field = None, None, ""
    environment = data.get("environment")
    if isinstance(environment, dict):
        conda = (environment.get("python") or {}).get("condaDependencies")
        if isinstance(conda, dict):
            inline, env_field = conda, "environment.python.condaDependencies"
        else:
            registered = ":".join(str(environment.get(k, "")) for k in ("name", "version") if environment.get(k))
            references.append(("environment", registered or "an environment with no condaDependencies"))
    elif data.get("condaFile"):
        env_field = "condaFile"
        env_file = (base / str(data["condaFile"])).resolve()
        if not env_file.is_file() and missing is None:
            missing = ("condaFile", f"the conda file {data['condaFile']} does not exist")
    return Deployment(
        path,
        shown,
        "inference configuration (v1)",
        script=script,
        code=code,
        missing=missing,
        references=tuple(references),
        env_file=env_file,
        env_inline=inline,
        env_field=env_field,
    )
