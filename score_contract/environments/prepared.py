"""One target's environment, built (or taken from the cache) when a check first needs it, and
what the checks judge about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..deployment.envfile import SERVER_DISTRIBUTIONS, EnvSpec
from .build import BuildFailure, Built, build, peek
from .imports import Missing, missing_in, top_level_imports
from .installers import CONDA_TOOLS, conda_tool
from .interpreters import choose


@dataclass(frozen=True)
class EnvironmentEvidence:
    """What building a target's environment showed."""

    spec: EnvSpec
    #: Who named the environment file: "conda.yaml (environment.conda_file of deployment.yml)".
    origin: str
    #: The file as messages name it.
    shown: str
    built: Built | None = None
    failure: BuildFailure | None = None
    #: Why the interpreter is not the one the file asks for ("" when it is).
    interpreter_note: str = ""
    missing: tuple[Missing, ...] = ()
    app_root: Path = Path(".")
    #: Why nothing was built: what the file asks cannot be an environment the script runs in ("" when it can).
    refused: str = ""
    #: Why nothing was built: this machine cannot build it (a conda-only package and no conda), though the
    #: platform may; the checks are skipped, not failed ("" when it could be built).
    unreproducible: str = ""

    @property
    def has_server(self) -> bool:
        return self.built is not None and any(d in self.built.distributions for d in SERVER_DISTRIBUTIONS)

    def version(self, distribution: str) -> str:
        return self.built.distributions.get(distribution, "") if self.built is not None else ""

    def notes(self) -> tuple[str, ...]:
        """What the report says of the environment, whatever the checks conclude."""
        notes = []
        built = self.built
        if built is not None:
            how = "taken from the cache" if built.cached else f"built in {built.seconds:.1f} s"
            installer = f"{built.installer} ({built.note})" if built.note else built.installer
            server = _server(built)
            notes.append(f"environment: {self.origin}, Python {built.python_version}{server}, {installer}, {how}")
        if self.spec.left_out:
            listed = ", ".join(f"{name} ({why})" for name, why in self.spec.left_out)
            notes.append(f"{self.shown}: conda packages left out of the virtual environment: {listed}")
        return tuple(notes)


def _server(built: Built) -> str:
    version = built.distributions.get(SERVER_DISTRIBUTIONS[0])
    return f", {SERVER_DISTRIBUTIONS[0]} {version}" if version else ""


def header_line(spec: EnvSpec, shown: str) -> str:
    """What the report header says of an environment, before anything is built: the inference server and
    Python it holds when the cache has it (the gate's own versions are not the deployment's)."""
    if spec.needs_conda and conda_tool() is None:
        return f"runs in {shown}, which needs conda"
    choice = choose(spec.python, shown)
    built = peek(spec, choice) if not choice.refused else None
    if built is None:
        return f"runs in {shown}, not built yet: the summary names the inference server it holds"
    server = _server(built).removeprefix(", ") or f"no {SERVER_DISTRIBUTIONS[0]}"
    return f"runs in {shown}: {server}, Python {built.python_version} (from the cache)"


def prepare(
    spec: EnvSpec,
    origin: str,
    shown: str,
    script: Path,
    app_root: Path,
    *,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
) -> EnvironmentEvidence:
    if spec.needs_conda and conda_tool() is None:
        packages = ", ".join(spec.needs_conda)
        reason = (
            f"{shown} needs {packages} from conda (no PyPI package installs it): with none of"
            f" {', '.join(CONDA_TOOLS)} on PATH, this machine cannot build the environment"
        )
        return EnvironmentEvidence(spec, origin, shown, unreproducible=reason, app_root=app_root)
    choice = choose(spec.python, shown)
    if choice.refused:
        return EnvironmentEvidence(spec, origin, shown, refused=choice.refused, app_root=app_root)
    # conda brings the Python the file asks for: no other one stands in for it.
    note = "" if spec.needs_conda else choice.note
    result = build(spec, choice, rebuild=rebuild, progress=progress)
    if isinstance(result, BuildFailure):
        return EnvironmentEvidence(spec, origin, shown, failure=result, interpreter_note=note, app_root=app_root)
    evidence = EnvironmentEvidence(spec, origin, shown, built=result, interpreter_note=note, app_root=app_root)
    missing = (
        missing_in(result.python, top_level_imports(script, app_root), evidence.has_server, app_root)
        if script.is_file()
        else []
    )
    return EnvironmentEvidence(
        spec,
        origin,
        shown,
        built=result,
        interpreter_note=note,
        missing=tuple(missing),
        app_root=app_root,
    )
