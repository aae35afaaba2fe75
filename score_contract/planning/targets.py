"""What a target of the gate decides beyond the script itself.

A target is a scoring script or a deployment spec. A spec names the script, its code folder, the
model, the environment file, environment variables and time limits; a plain script may come with an
environment file (``--score-env``, or ``env`` in the ``score-contract.toml`` beside it). Both become
a :class:`Target`: the script to run, the run's settings with the spec's values applied (options
given explicitly still win), and the environment to build. With neither, there is no Target and
the run is exactly what it was without this module.

A file that merely lies beside the script is never taken for its environment: Azure ML builds an
environment only from what the deployment names, and a ``requirements.txt`` beside a script is as
often the developer's own (pytest, black) as the deployment's. :func:`environment_hint` says how to
use it instead. ``--score-env ''`` says "no environment": the script runs in this Python, even when
its spec names one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config.options import ENV, INIT_TIMEOUT, MAX_MEMORY, MODEL_DIR, TIMEOUT
from ..core.wording import a
from ..deployment.declared import Deployment
from ..deployment.envfile import BESIDE, EnvSpec, conda_spec, read_env_file
from ..deployment.mount import mounted_model_dir
from ..deployment.spec import is_spec, read_spec
from ..errors import UsageError
from .recognise import Kind, recognise

if TYPE_CHECKING:
    from ..config.settings import Settings

#: Which option supplies what a reference in a spec would, for the usage error that names it.
_SUPPLIED_BY = {"model": MODEL_DIR, "model.path": MODEL_DIR, "environment": ENV, "environment.image": ENV}


@dataclass(frozen=True)
class Target:
    """A script, with what its deployment spec or environment file decided."""

    script: Path
    settings: Settings
    deployment: Deployment | None = None
    env: EnvSpec | None = None
    #: How the environment file was found, for the report: "conda.yaml (beside score.py)".
    env_origin: str = ""
    #: What messages call the environment: the file ("conda.yaml"), or the spec's inline field.
    env_shown: str = ""
    #: Set for init() and run() (and the official server), from the spec's environment_variables.
    environment_variables: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    #: The request files beside the spec or the model (`az ml online-endpoint invoke --request-file`'s
    #: sample-request.json): samples when the user gives none.
    sample_requests: tuple[Path, ...] = ()
    #: What runs the script: the online server, or the batch runtime (which never starts the server).
    kind: Kind = "online"


def target_of(settings: Settings, path: Path, invocation_dir: Path) -> Target | None:
    if is_spec(path):
        return _deployment(settings, read_spec(path, _shown(path, invocation_dir)), invocation_dir)
    env_file = settings.env_file
    if env_file is None:
        return None
    shown, how = _shown(env_file, invocation_dir), _named_by(settings)
    return Target(
        path,
        settings,
        env=read_env_file(env_file, shown),
        env_origin=f"{shown} ({how})",
        env_shown=shown,
        kind=recognise(path, settings.kind).kind,
    )


def environment_hint(settings: Settings, path: Path, invocation_dir: Path) -> str:
    """For a plain script that names no environment: the likely environment file beside it, which is
    not used, and how to use it ("" when there is none, or when the user said which to use)."""
    if is_spec(path) or settings.env_file is not None or ENV.dest in settings.given:
        return ""
    for name in BESIDE:
        candidate = path.parent / name
        if candidate.is_file():
            shown = _shown(candidate, invocation_dir)
            return (
                f"{shown} is not used as the environment of {path.name} (Azure ML builds one only from what the"
                f" deployment names): to run the script in it, give {settings.flag(ENV)} {shown}, or put"
                f' env = "{name}" in a score-contract.toml beside it'
            )
    return ""


def _named_by(settings: Settings) -> str:
    """What gave the environment file: the flag, or the key and its file (``env = ... in app/score-contract.toml``)."""
    return dict(settings.named).get(ENV.dest) or settings.flag(ENV)


def _opted_out(settings: Settings) -> bool:
    """``--score-env ''`` (or ``env = ""``): no environment, the script runs in this Python."""
    return ENV.dest in settings.given and settings.env_file is None


def _deployment(settings: Settings, spec: Deployment, invocation_dir: Path) -> Target:
    given = settings.given
    if spec.nothing_to_gate:
        # Nothing of ours runs: no reference needs resolving, no environment building.
        return Target(spec.source, settings, spec, notes=(f"{spec.shown}: {spec.nothing_to_gate}",))
    for field, reference in spec.references:
        option = _SUPPLIED_BY.get(field)
        supplied = option is not None and (option.dest in given or (option is ENV and settings.env_file is not None))
        if not supplied:
            how = f"give it with {settings.flag(option)}" if option is not None else "give a local path there"
            raise UsageError(f"{spec.shown}: {field} is {reference}, which cannot be resolved offline: {how}.")
    changes: dict[str, object] = {}
    # "an inference configuration (v1)", "a parallel job", "a managed online deployment"
    what = spec.format if spec.format.endswith((")", "job")) else f"{spec.format} deployment"
    notes = [f"{a(what)} of {_shown(spec.script or spec.source, invocation_dir)}"]
    if spec.code is not None and "score_app_root" not in given:
        changes["app_root"] = spec.code
    if spec.model_path is not None and MODEL_DIR.dest not in given and spec.model_path.exists():
        mounted = mounted_model_dir(spec.model_path, spec.model_name, spec.model_version)
        changes["model_dir"] = mounted
        inside = spec.model_path.name + ("/" if spec.model_path.is_dir() else "")
        notes.append(f"the model is mounted as the platform mounts it: AZUREML_MODEL_DIR holds {inside}")
    if spec.request_timeout is not None and TIMEOUT.dest not in given:
        changes["timeout"] = spec.request_timeout
    if spec.init_budget is not None and INIT_TIMEOUT.dest not in given:
        changes["init_timeout"] = spec.init_budget
    if spec.workers is not None and "score_server_workers" not in given:
        changes["server_workers"] = spec.workers
    if spec.kind == "batch" and "score_kind" not in given:
        changes["kind"] = "batch"
    if spec.mini_batch_size is not None and "score_mini_batch_size" not in given:
        changes["mini_batch_size"] = spec.mini_batch_size
    named = dict(settings.named)
    if spec.memory_limit_mb is not None and MAX_MEMORY.dest not in given:
        # The container's limit is the budget the workers must fit in; a budget the user set wins.
        changes["max_memory_mb"] = round(spec.memory_limit_mb, 1)
        named[MAX_MEMORY.dest] = spec.memory_origin
        notes.append(f"memory budget {spec.memory_limit_mb:g} MB: {spec.memory_origin}")
    changes["named"] = tuple(named.items())
    run_settings = replace(settings, **changes)  # type: ignore[arg-type]
    env, origin, shown = None, "", ""
    env_file, how = (settings.env_file, _named_by(settings)) if settings.env_file is not None else (None, "")
    if env_file is None and spec.env_file is not None and spec.env_file.is_file() and not _opted_out(settings):
        env_file, how = spec.env_file, f"{spec.env_field} of {spec.shown}"
    if env_file is not None:
        shown = _shown(env_file, invocation_dir)
        env, origin = read_env_file(env_file, shown), f"{shown} ({how})"
    elif spec.env_inline is not None and not _opted_out(settings):
        shown = origin = f"{spec.env_field} of {spec.shown}"
        env = conda_spec(spec.env_inline, spec.source, shown)
    elif _opted_out(settings) and (spec.env_field or spec.image):
        declared = spec.env_field or "environment"
        notes.append(
            f"{settings.shown(ENV, repr(''))}: the environment {declared} of {spec.shown} names is not built;"
            " the script runs in this Python"
        )
    else:
        notes.append("no environment file: the script runs in this Python, as without a deployment spec")
    return Target(
        spec.script or spec.source,
        run_settings,
        spec,
        env,
        origin,
        shown,
        tuple(spec.environment_variables.items()),
        tuple(notes),
        sample_requests=_sample_requests(spec) if spec.kind == "online" else (),
        kind=recognise(spec.script, run_settings.kind).kind if spec.script is not None else "online",
    )


def _sample_requests(spec: Deployment) -> tuple[Path, ...]:
    """sample-request*.json beside the spec, or beside the model (azureml-examples keeps model-1/sample-request.json
    next to model-1/model/ and kubernetes/sample-request.json next to the deployment files)."""
    folders = [spec.source.parent]
    if spec.model_path is not None:
        folders.append(spec.model_path.parent)
    found = [file for folder in dict.fromkeys(folders) for file in sorted(folder.glob("sample-request*.json"))]
    return tuple(dict.fromkeys(file.resolve() for file in found if file.is_file()))


def _shown(path: Path, invocation_dir: Path) -> str:
    try:
        return os.path.relpath(path, invocation_dir)
    except ValueError:
        return str(path)
