"""An SDK/CLI v1 inference configuration (``az ml model deploy --ic``; azureml-core's InferenceConfig serialised).

``entryScript``, ``sourceDirectory``, ``environment`` (``python.condaDependencies`` inline and
``environmentVariables``, or ``name``/``version`` of a registered one), or the older ``condaFile``. It names no
model: the model comes from ``--score-model-dir``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import UsageError
from .declared import Deployment
from .fields import Fields


def read_v1(data: dict[str, Any], path: Path, shown: str) -> Deployment:
    spec = Fields(data, shown)
    base = path.parent
    entry = spec.text("entryScript")
    source = spec.text("sourceDirectory")
    code = (base / (source or ".")).resolve()
    script = (code / entry).resolve()
    if not script.is_file() and source:
        # Older configurations give entryScript relative to the file, with the source folder beside it.
        beside = (base / entry).resolve()
        script = beside if beside.is_file() else script
    missing = None
    if not code.is_dir():
        missing = ("sourceDirectory", f"the source folder {source} does not exist")
    elif not script.is_file():
        missing = ("entryScript", f"the entry script {entry} does not exist")
    references: list[tuple[str, str]] = []
    env_file, inline, env_field = None, None, ""
    variables: dict[str, str] = {}
    environment = data.get("environment")
    if isinstance(environment, dict):
        env = spec.mapping("environment")
        # The container's variables: v1 environments set them for init() and run() alike.
        variables = env.variables("environmentVariables")
        conda = (environment.get("python") or {}).get("condaDependencies")
        if isinstance(conda, dict):
            inline, env_field = conda, "environment.python.condaDependencies"
        else:
            registered = ":".join(env.text(k) for k in ("name", "version") if environment.get(k))
            references.append(("environment", registered or "an environment with no condaDependencies"))
    elif environment is not None:
        raise UsageError(f"{shown}: environment must be a mapping (an Environment's JSON).")
    elif spec.text("condaFile"):
        env_field = "condaFile"
        env_file = (base / spec.text("condaFile")).resolve()
        if not env_file.is_file() and missing is None:
            missing = ("condaFile", f"the conda file {spec.text('condaFile')} does not exist")
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
        environment_variables=variables,
    )
