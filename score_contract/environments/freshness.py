"""Whether a cached environment is still what its requirements resolve to.

The cache is keyed on the declared lines, not on what they resolved to: an unpinned ``numpy`` (or any
package a pinned one pulls in unpinned) resolves to a newer release once the index has one, as the
platform's next image build would, while the cached environment keeps the old one. So on a schedule,
a cached environment is resolved again: when it was last resolved more than ``RECHECK_HOURS`` ago (24;
``$SCORE_CONTRACT_ENV_RECHECK_HOURS`` sets it, 0 for every run). Resolving installs nothing (``uv pip
compile``; ``pip install --dry-run --report``; with uv, 0.1 s for six, 2 s for the server's 49
packages), and the environment is rebuilt only when the resolution moved. A schedule rather than every
run: a resolve needs the index and costs up to seconds, and a gate run offline (or many times an hour)
keeps its environment. When the resolve itself fails
(no network), the cached environment is used and the summary says so. Conda environments are not
resolved again (a conda solve takes minutes): ``--score-env-rebuild`` rebuilds them.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from .installers import clean_env, last_line, uv_path

RECHECK_HOURS = 24.0


def recheck_hours() -> float:
    try:
        return max(0.0, float(os.environ.get("SCORE_CONTRACT_ENV_RECHECK_HOURS", RECHECK_HOURS)))
    except ValueError:
        return RECHECK_HOURS


def due(resolved_at: float, now: float) -> bool:
    """Whether an environment last resolved at ``resolved_at`` (epoch seconds) is resolved again now."""
    return now - resolved_at >= recheck_hours() * 3600


@dataclass(frozen=True)
class Resolution:
    """What the requirements resolve to now (canonical name -> version), or why they could not be resolved."""

    versions: dict[str, str]
    error: str = ""


def resolve(tool: str, python: Path, requirements: Path) -> Resolution:
    """Resolve ``requirements`` for the environment's ``python`` with ``tool`` (uv or pip), installing nothing."""
    if tool == "uv":
        command = [uv_path() or "uv", "pip", "compile", "--quiet", "--no-header", "--no-annotate"]
        command += ["--python", str(python), str(requirements)]
    else:
        command = [str(python), "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
        command += ["--disable-pip-version-check", "--no-input", "--report", "-", "-r", str(requirements)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=clean_env())
    except (OSError, subprocess.SubprocessError) as exc:
        return Resolution({}, str(exc))
    if done.returncode != 0:
        return Resolution({}, last_line(done.stderr or done.stdout))
    return Resolution(_pins(done.stdout) if tool == "uv" else _report(done.stdout))


def _pins(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        name, sep, version = line.split(";")[0].strip().partition("==")
        if sep and name and not name.startswith(("-", "#")):
            found[str(canonicalize_name(name.split("[")[0]))] = version.strip()
    return found


def _report(text: str) -> dict[str, str]:
    try:
        installs = json.loads(text).get("install", [])
    except ValueError:
        return {}
    return {str(canonicalize_name(i["metadata"]["name"])): i["metadata"]["version"] for i in installs}


def moved(resolution: Resolution, installed: dict[str, str]) -> list[str]:
    """How the resolution differs from what is installed ("numpy 1.26.4 -> 2.0.1"); empty when it does not."""
    changes = []
    for name, version in sorted(resolution.versions.items()):
        have = installed.get(name)
        if have != version:
            changes.append(f"{name} {have or '(not installed)'} -> {version}")
    return changes
