"""The Python an environment is built on: the one its env file asks for when this machine has
it, else the nearest Python 3 (and the report says so). A file that asks for Python 2 is refused:
no release of the inference server runs there, and the nearest 3.x would be another environment.

Interpreters are looked for on PATH (``python3.X``), in pyenv's versions folder and in uv's
managed interpreters; the first satisfying the file's ``python`` spec wins, newest first.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version


@dataclass(frozen=True)
class Interpreter:
    path: Path
    version: Version

    @property
    def minor(self) -> str:
        return f"{self.version.major}.{self.version.minor}"


@dataclass(frozen=True)
class Choice:
    interpreter: Interpreter
    #: Why it is not the one asked for ("" when it is).
    note: str = ""
    #: Why no environment can be built for what the file asks ("" when one can): then nothing is built.
    refused: str = ""


@functools.cache
def installed() -> list[Interpreter]:
    """Every CPython 3 found on this machine, newest first, one per version (looked for once a session: the
    report header and each environment ask)."""
    candidates: list[str] = [sys.executable]
    for minor in range(8, 20):
        found = shutil.which(f"python3.{minor}")
        if found:
            candidates.append(found)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    uv_pythons = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "uv" / "python"
    for folder in (pyenv, uv_pythons):
        if folder.is_dir():
            candidates += [
                str(p / "bin" / "python3") for p in sorted(folder.iterdir()) if (p / "bin" / "python3").exists()
            ]
    versions = _versions(candidates)
    found_versions: dict[Version, Interpreter] = {}
    for candidate in candidates:
        version = versions.get(candidate)
        if version is not None and version not in found_versions:
            found_versions[version] = Interpreter(Path(candidate), version)
    return sorted(found_versions.values(), key=lambda i: i.version, reverse=True)


_PROBE = "import sys; print('.'.join(map(str, sys.version_info[:3])))"


def _versions(executables: list[str]) -> dict[str, Version]:
    """Each interpreter's version, asked of all of them at once: one at a time, a machine with fifteen pyenv
    versions waited ~0.9 s for their starts in turn (every run that builds an environment asks)."""
    found: dict[str, Version] = {}
    probes: dict[str, subprocess.Popen[str]] = {}
    for executable in dict.fromkeys(executables):
        if executable == sys.executable:
            found[executable] = Version(".".join(map(str, sys.version_info[:3])))
            continue
        name = Path(executable).name
        if re.fullmatch(r"python3\.\d+", name) is None and "versions" not in executable and "uv" not in executable:
            continue
        try:
            probes[executable] = subprocess.Popen(
                [executable, "-c", _PROBE], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
            )
        except OSError:
            continue
    for executable, probe in probes.items():
        try:
            out, _ = probe.communicate(timeout=10)
            found[executable] = Version(out.strip())
        except subprocess.TimeoutExpired:
            probe.kill()
            probe.communicate()
        except ValueError:  # not a version: not a Python we can use
            continue
    return found


def choose(spec: str, shown: str, available: list[Interpreter] | None = None) -> Choice:
    """The interpreter for a conda ``python`` spec ("" -> this one)."""
    available = available if available is not None else installed()
    current = next((i for i in available if str(i.path) == sys.executable), available[0])
    if not spec:
        return Choice(current)
    try:
        wanted = SpecifierSet(spec if spec[0] in "<>=!~" else f"=={spec}")
    except InvalidSpecifier:
        return Choice(current, f"{shown} asks for python {spec}, which we cannot read: Python {current.minor} is used")
    if wanted.contains(current.version):
        return Choice(current)
    if _python_2_only(wanted):
        # No Python 3 matches: matching the nearest 3.x would judge another environment than the one asked for.
        # AZUREML_SERVER_FACTS.md: azureml-inference-server-http 1.5 works on Python 3.9-3.13.
        asked = spec.removeprefix("==").removesuffix(".*")
        return Choice(
            current,
            refused=f"{shown} asks for python {asked}: the inference server needs Python 3"
            " (azureml-inference-server-http 1.5 needs 3.9 or later), and the gate cannot run a script on Python 2",
        )
    for interpreter in available:
        if wanted.contains(interpreter.version):
            return Choice(interpreter)
    target = _target(spec)
    nearest = min(available, key=lambda i: (abs((i.version.major, i.version.minor)[1] - target), -i.version.minor))
    return Choice(
        nearest,
        f"{shown} asks for python {spec.removeprefix('==').removesuffix('.*')}, which this machine does not have:"
        f" the environment is built on Python {nearest.version} (the nearest one)",
    )


def _python_2_only(wanted: SpecifierSet) -> bool:
    """Whether the spec admits no Python 3 (``2.7``, ``<=2.7``; not ``>=2.7``)."""
    bounds = [s for s in wanted if s.version[:1].isdigit()]
    return bool(bounds) and all(
        s.operator in ("==", "===", "~=", "<", "<=") and int(s.version.split(".")[0]) < 3 for s in bounds
    )


def _target(spec: str) -> int:
    match = re.search(r"3\.(\d+)", spec)
    return int(match.group(1)) if match else sys.version_info.minor
