"""Build (or find in the cache) the environment an env file declares.

It holds exactly what the file declares and nothing of score-contract's own (no
``--system-site-packages``): a package the file forgot must be missing here as it is in the container.
:mod:`.installers` runs the steps, :mod:`.cache` keeps the result, :mod:`.freshness` says when a
cached one must be resolved again.

The verdict must not depend on the installer. The platform builds an image with conda and pip; uv's
resolver, though faster, may choose other versions: an inline environment asking for ``azureml-defaults``
and ``scikit-learn=1.7.0`` got ``azureml-defaults 1.0.85.1`` from uv (and an old ruamel-yaml that did not
compile) where pip chose 1.62.0 and everything installed. So a build that fails with uv is built again
with pip before it is reported: pip's result decides, and the report says which installer did. When
pip succeeds where uv failed, that build is cached as such and used by later runs instead of uv's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..deployment.envfile import EnvSpec
from . import cache, freshness, installers
from .interpreters import Choice

Progress = Callable[[str], None]

#: Run inside the environment's own Python (any 3.x): what is installed there.
PROBE = """
import json, sys
try:
    from importlib import metadata
except ImportError:
    import importlib_metadata as metadata
found = {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if name:
        found[name] = dist.version
print(json.dumps({"python": ".".join(map(str, sys.version_info[:3])), "distributions": found}))
"""


@dataclass(frozen=True)
class Built:
    """A complete environment."""

    folder: Path
    python: Path
    #: What built it: uv, pip, or a conda tool.
    installer: str
    #: Installed distributions, canonical name -> version.
    distributions: dict[str, str] = field(default_factory=dict)
    python_version: str = ""
    cached: bool = False
    seconds: float = 0.0
    #: What the report says of how it came to be (pip decided where uv failed; rebuilt as the index moved).
    note: str = ""


@dataclass(frozen=True)
class BuildFailure:
    """The installer refused: the command that failed and all it said."""

    command: str
    output: str
    seconds: float = 0.0
    #: The installer whose failure is the verdict.
    installer: str = ""
    #: uv's own failure, when pip confirmed it.
    also: str = ""


def build(
    spec: EnvSpec, choice: Choice, *, rebuild: bool = False, progress: Progress | None = None
) -> Built | BuildFailure:
    """The environment for ``spec``: from the cache, or built now (``rebuild``: built now in any case).

    An environment holding a conda-only package is built by the conda tool on PATH (the caller makes
    sure there is one); any other by uv, confirmed by pip when uv fails, or by pip alone."""
    say = progress or _silent
    started = time.perf_counter()
    tool = installers.conda_tool() if spec.needs_conda else installers.preferred()
    assert tool is not None, "prepare() checks that a conda tool is on PATH"
    if tool == "uv" and not rebuild and cache.read_marker(cache.folder_for(_declared(spec, choice, tool))) is None:
        # uv failed here before and pip, as the platform, installed it: that build stands.
        confirmed = _cached(spec, choice, "pip", say, started, instead_of_uv=True)
        if confirmed is not None:
            return confirmed
    result = _built_with(spec, choice, tool, say, started, rebuild)
    if tool != "uv" or not isinstance(result, BuildFailure):
        return result
    uv_said = installers.last_line(result.output)
    say(f"uv could not install it ({uv_said}): building it with pip, as the platform installs")
    by_pip = _built_with(spec, choice, "pip", say, started, rebuild=True, uv_said=uv_said)
    return replace(by_pip, also=f"uv failed too: {uv_said}") if isinstance(by_pip, BuildFailure) else by_pip


def peek(spec: EnvSpec, choice: Choice) -> Built | None:
    """The environment as the cache holds it, without building, resolving or waiting for anything (None: the
    cache does not hold it). For what the report header can say before the first check runs."""
    tool = installers.conda_tool() if spec.needs_conda else installers.preferred()
    for candidate in [tool, *(["pip"] if tool == "uv" else [])]:
        if candidate is None:
            continue
        folder = cache.folder_for(_declared(spec, choice, candidate))
        marker = cache.read_marker(folder)
        if marker is not None and (candidate == tool or marker.get("uv_said")):
            python = installers.python_in(folder)
            return Built(folder, python, installers.name(candidate), marker["distributions"], marker["python"], True)
    return None


def _silent(line: str) -> None:
    pass


def _declared(spec: EnvSpec, choice: Choice, tool: str) -> dict[str, Any]:
    if installers.is_conda(tool):
        return {"conda": spec.conda_document, "installer": installers.name(tool)}
    return {
        "python": [str(choice.interpreter.path), str(choice.interpreter.version)],
        "installer": tool,
        "requirements": list(spec.requirements),
        "options": list(spec.pip_options),
    }


def _cached(
    spec: EnvSpec, choice: Choice, tool: str, say: Progress, started: float, instead_of_uv: bool = False
) -> Built | None:
    folder = cache.folder_for(_declared(spec, choice, tool))
    marker = cache.read_marker(folder)
    if marker is None or (instead_of_uv and not marker.get("uv_said")):
        return None
    with cache.locked(folder, say):
        found = _from_cache(folder, tool, say, started)
    return found if isinstance(found, Built) else None  # moved since: built again, by uv first


def _built_with(
    spec: EnvSpec, choice: Choice, tool: str, say: Progress, started: float, rebuild: bool, uv_said: str = ""
) -> Built | BuildFailure:
    folder = cache.folder_for(_declared(spec, choice, tool))
    with cache.locked(folder, say):  # another session building the same environment: wait for it
        note = ""
        if not rebuild:
            found = _from_cache(folder, tool, say, started)
            if isinstance(found, Built):
                return found
            note = found or ""
        return _make(folder, spec, choice, tool, say, started, uv_said, note)


def _from_cache(folder: Path, tool: str, say: Progress, started: float) -> Built | str | None:
    """The cached environment; or, when it was resolved again and the resolution moved, why it is rebuilt."""
    marker = cache.read_marker(folder)
    if marker is None:
        return None
    note = ""
    if not installers.is_conda(tool) and freshness.due(float(marker.get("resolved_at", 0)), time.time()):
        say(f"resolving the cached environment {folder.name} again: its requirements may match newer releases")
        resolution = freshness.resolve(tool, installers.python_in(folder), _requirements_file(folder))
        changes = freshness.moved(resolution, marker["distributions"]) if not resolution.error else []
        if changes:
            return f"rebuilt, as the index moved since it was cached: {', '.join(changes)}"
        if resolution.error:
            note = f"not resolved again ({resolution.error}): the cached environment is used"
        else:
            cache.write_marker(folder, {**marker, "resolved_at": time.time()})
    python = installers.python_in(folder)
    return Built(
        folder,
        python,
        installers.name(tool),
        marker["distributions"],
        marker["python"],
        cached=True,
        seconds=time.perf_counter() - started,
        note=_note(marker.get("uv_said", ""), note),
    )


def _note(uv_said: str, more: str) -> str:
    first = f"uv could not install it ({uv_said}); pip, which the platform installs with, could" if uv_said else ""
    return "; ".join(part for part in (first, more) if part)


def _make(
    folder: Path, spec: EnvSpec, choice: Choice, tool: str, say: Progress, started: float, uv_said: str, note: str
) -> Built | BuildFailure:
    shutil.rmtree(folder, ignore_errors=True)
    doing = f"building the environment with {installers.name(tool)}"
    if installers.is_conda(tool):
        document = folder.with_suffix(".conda.yaml")
        document.write_text(spec.conda_document)
        commands = installers.conda_commands(tool, folder, document)
    else:
        requirements = _requirements_file(folder)
        requirements.write_text("\n".join([*spec.pip_options, *spec.requirements]) + "\n")
        listed = requirements if spec.requirements else None
        commands = installers.venv_commands(tool, choice.interpreter.path, folder, listed)
    failure = installers.run(commands, doing, say)
    if failure is not None:
        shutil.rmtree(folder, ignore_errors=True)
        return BuildFailure(failure.command, failure.output, time.perf_counter() - started, installers.name(tool))
    python = installers.python_in(folder)
    probe = subprocess.run([str(python), "-c", PROBE], capture_output=True, text=True, env=installers.clean_env())
    if probe.returncode != 0:
        return BuildFailure(f"{python} -c <probe>", probe.stderr, installer=installers.name(tool))
    data = json.loads(probe.stdout)
    distributions = {_canonical(k): v for k, v in data["distributions"].items()}
    marker = {"python": data["python"], "distributions": distributions, "resolved_at": time.time(), "uv_said": uv_said}
    cache.write_marker(folder, marker)
    seconds = time.perf_counter() - started
    name = installers.name(tool)
    return Built(folder, python, name, distributions, data["python"], seconds=seconds, note=_note(uv_said, note))


def _requirements_file(folder: Path) -> Path:
    return folder.with_suffix(".requirements.txt")


def _canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))
