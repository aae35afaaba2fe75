"""What a deployment spec declares, as plain values: :class:`Deployment`, and the code, model and environment that
every CLI v2 spec declares the same way (:func:`parts`).

A deployment with no scoring script of its own — a no-code MLflow deployment (the platform generates the script), a
pipeline component batch deployment — has nothing for the gate to run: :attr:`Deployment.nothing_to_gate` says so,
and its target is skipped rather than failed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .fields import Fields

#: Locations the gate cannot reach offline.
REMOTE = ("azureml:", "azureml://", "https://", "http://", "wasbs://", "abfss://", "runs:")


@dataclass(frozen=True)
class Deployment:
    """What one deployment spec says, with paths resolved against its folder."""

    source: Path
    shown: str
    #: "managed online", "Kubernetes online", "batch", "parallel job" or "inference configuration (v1)".
    format: str
    kind: str = "online"
    script: Path | None = None
    code: Path | None = None
    #: A declared file or folder that does not exist: (field, sentence). The deployment fails the same way.
    missing: tuple[str, str] | None = None
    #: Why there is no scoring script to run (a no-code MLflow deployment, a pipeline component): the target is
    #: skipped, not failed.
    nothing_to_gate: str = ""
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
    #: Online: the per-request timeout; batch: retry_settings.timeout, the per-mini-batch one (seconds).
    request_timeout: float | None = None
    max_concurrent: int | None = None
    init_budget: float | None = None
    init_budget_origin: str = ""
    instance_type: str = ""
    #: The memory the deployment's container may use (MB), and where that figure comes from.
    memory_limit_mb: float | None = None
    memory_origin: str = ""
    # Batch deployments and parallel jobs (see batch_spec):
    mini_batch_size: int | None = None
    max_retries: int | None = None
    #: Failed items a job tolerates before it fails; -1 ignores them all (the platform's default).
    error_threshold: int | None = None
    output_action: str = ""
    output_file_name: str = ""
    logging_level: str = ""
    #: A parallel job's program_arguments, split as its driver receives them; ``${{outputs.NAME}}`` is left for the
    #: batch run to replace with its output folder.
    program_arguments: tuple[str, ...] = ()

    @property
    def workers(self) -> int | None:
        """The server's worker count, when the deployment sets WORKER_COUNT."""
        value = self.environment_variables.get("WORKER_COUNT", "")
        return int(value) if value.isdigit() and int(value) > 0 else None


@dataclass(frozen=True)
class Parts:
    """What every CLI v2 spec declares the same way: code, model, environment."""

    code: Path | None = None
    script: Path | None = None
    missing: tuple[str, str] | None = None
    nothing_to_gate: str = ""
    model_path: Path | None = None
    model_name: str = ""
    model_version: str = ""
    references: tuple[tuple[str, str], ...] = ()
    env_file: Path | None = None
    env_field: str = ""
    image: str = ""

    def fields(self) -> dict[str, Any]:
        """As the Deployment's fields of the same names."""
        return {name.name: getattr(self, name.name) for name in dataclasses.fields(self)}


def parts(spec: Fields, base: Path, config: Fields | None = None, script_key: str = "scoring_script") -> Parts:
    """The code folder and script, the model and the environment of a CLI v2 spec: ``spec`` is the mapping that
    holds ``model`` and ``environment``, ``config`` the one that holds ``code`` and the script (by default
    ``code_configuration``; a parallel job's ``task`` holds all of them, with ``entry_script``)."""
    references: list[tuple[str, str]] = []
    missing: tuple[str, str] | None = None
    code = script = None
    nothing = ""
    config = spec.mapping("code_configuration") if config is None else config
    if config.data:
        code_value = config.text("code", ".")
        script_value = config.text(script_key)
        if not script_value:
            raise UsageError(f"{spec.shown}: {config.name(script_key)} is missing: the scoring script to run.")
        if code_value.startswith(REMOTE):
            references.append((config.name("code"), code_value))
        else:
            code = (base / code_value).resolve()
            script = (code / script_value).resolve()
            if not code.is_dir():
                missing = (config.name("code"), f"the code folder {code_value} does not exist")
            elif not script.is_file():
                missing = (config.name(script_key), f"the scoring script {script_value} is not in {code_value}")
    else:
        nothing = _no_code(spec)

    model_path, name, version = None, "", ""
    model = spec.data.get("model")
    if isinstance(model, str):
        if not nothing:
            references.append((spec.name("model"), model))
    elif isinstance(model, dict):
        fields = spec.mapping("model")
        name, version = fields.text("name"), fields.text("version")
        value = fields.text("path")
        if not value or value.startswith(REMOTE):
            if not nothing:
                references.append(
                    (fields.name("path") if value else spec.name("model"), value or "a model with no path")
                )
        else:
            model_path = (base / value).resolve()
            if not model_path.exists() and missing is None:
                missing = (fields.name("path"), f"the model {value} does not exist")
    elif model is not None:
        raise UsageError(f"{spec.shown}: {spec.name('model')} must be a reference (azureml:name:version) or a mapping.")

    env_file, env_field, image = None, "", ""
    environment = spec.data.get("environment")
    if isinstance(environment, str):
        references.append((spec.name("environment"), environment))
    elif isinstance(environment, dict):
        env = spec.mapping("environment")
        image = env.text("image")
        conda = env.text("conda_file")
        if conda:
            env_field = env.name("conda_file")
            env_file = (base / conda).resolve()
            if not env_file.is_file() and missing is None:
                missing = (env_field, f"the conda file {conda} does not exist")
        elif environment.get("build"):
            references.append((env.name("build"), "a Docker build context"))
        else:
            references.append((env.name("image"), image or "an environment with neither conda_file nor image"))
    elif environment is not None:
        raise UsageError(f"{spec.shown}: {spec.name('environment')} must be a reference or a mapping.")
    return Parts(
        code, script, missing, nothing, model_path, name, version, tuple(references), env_file, env_field, image
    )


def _no_code(spec: Fields) -> str:
    """Why a spec without code_configuration has nothing to gate (the platform accepts it only for MLflow models)."""
    model = spec.data.get("model")
    if isinstance(model, dict) and str(model.get("type", "")).lower() == "mlflow_model":
        return (
            "a no-code deployment of an MLflow model: the platform generates its scoring script and environment,"
            " so there is no score.py to gate"
        )
    return (
        "it names no scoring script (no code_configuration): the platform accepts that only for an MLflow model,"
        " whose scoring script it generates, so there is no score.py to gate"
    )
