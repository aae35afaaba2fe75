"""Build (or find in the cache) the virtual environment an env file declares.

uv builds it when it is installed (``pip install 'score-contract[env]'``): it resolves and
installs from its own cache in about a second; otherwise ``python -m venv`` and pip. Either way
the environment holds exactly what the file declares and nothing of score-contract's own
(no ``--system-site-packages``): a package the file forgot must be missing here as it is in the
container. ``SCORE_CONTRACT_INSTALLER=pip`` forces pip where uv is installed.

Environments are cached in the user cache folder (``$SCORE_CONTRACT_CACHE``, else
``$XDG_CACHE_HOME/score-contract``, else ``~/.cache/score-contract``) under a hash of what was
resolved: the interpreter, the installer and every requirement line. A marker written last says
an environment is complete; a build cut short is rebuilt. Builds of one environment by parallel
sessions (pytest-xdist) wait for each other on a lock file instead of racing.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..isolation.sandbox import outside_our_python
from .envfile import EnvSpec
from .interpreters import Choice

#: Bump when what a cached environment holds changes meaning.
_FORMAT = 1
_MARKER = "score-contract-env.json"
#: How many of the installer's last lines a failure shows.
_ERROR_LINES = 25
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
    installer: str
    #: Installed distributions, canonical name -> version.
    distributions: dict[str, str] = field(default_factory=dict)
    python_version: str = ""
    cached: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class BuildFailure:
    """The installer refused: its own last lines, and the command that failed."""

    command: str
    output: str
    seconds: float = 0.0


def cache_root() -> Path:
    """The user cache folder (hand-rolled: platformdirs would be a dependency for three lines)."""
    if os.environ.get("SCORE_CONTRACT_CACHE"):
        return Path(os.environ["SCORE_CONTRACT_CACHE"])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "score-contract"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "score-contract"


def installer() -> str:
    """``uv`` when it is installed and not overridden, else ``pip``."""
    forced = os.environ.get("SCORE_CONTRACT_INSTALLER", "")
    if forced in ("pip", "uv"):
        return forced
    return "uv" if _uv() else "pip"


def _uv() -> str | None:
    found = shutil.which("uv")
    if found:
        return found
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found,unused-ignore]

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return None


def cache_key(spec: EnvSpec, choice: Choice, tool: str) -> str:
    resolved = {
        "format": _FORMAT,
        "python": [str(choice.interpreter.path), str(choice.interpreter.version)],
        "installer": tool,
        "requirements": list(spec.requirements),
        "options": list(spec.pip_options),
    }
    return hashlib.sha256(json.dumps(resolved, sort_keys=True).encode()).hexdigest()[:20]


def build(
    spec: EnvSpec, choice: Choice, *, rebuild: bool = False, progress: Progress | None = None
) -> Built | BuildFailure:
    """The environment for ``spec``: from the cache, or built now (``rebuild``: built now in any case)."""
    say = progress or (lambda line: None)
    tool = installer()
    folder = cache_root() / "envs" / cache_key(spec, choice, tool)
    folder.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another session building the same environment: wait for it
        marker = folder / _MARKER
        if marker.is_file() and not rebuild:
            data = json.loads(marker.read_text())
            return Built(
                folder,
                _python(folder),
                tool,
                data["distributions"],
                data["python"],
                cached=True,
                seconds=time.perf_counter() - started,
            )
        shutil.rmtree(folder, ignore_errors=True)
        failure = _create(folder, spec, choice, tool, say)
        if failure is not None:
            shutil.rmtree(folder, ignore_errors=True)
            return BuildFailure(failure[0], failure[1], time.perf_counter() - started)
        probe = subprocess.run([str(_python(folder)), "-c", PROBE], capture_output=True, text=True, env=_clean_env())
        if probe.returncode != 0:
            return BuildFailure(f"{_python(folder)} -c <probe>", probe.stderr[-4000:])
        data = json.loads(probe.stdout)
        data["distributions"] = {_canonical(k): v for k, v in data["distributions"].items()}
        marker.write_text(json.dumps(data))
    return Built(
        folder, _python(folder), tool, data["distributions"], data["python"], seconds=time.perf_counter() - started
    )


def _create(folder: Path, spec: EnvSpec, choice: Choice, tool: str, say: Progress) -> tuple[str, str] | None:
    """Make the venv and install into it; (command, output) when a step failed."""
    interpreter = str(choice.interpreter.path)
    if tool == "uv":
        uv = _uv() or "uv"
        steps = [[uv, "venv", "--quiet", "--python", interpreter, str(folder)]]
        install = [uv, "pip", "install", "--python", str(_python(folder))]
    else:
        steps = [[interpreter, "-m", "venv", str(folder)]]
        install = [str(_python(folder)), "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
    if spec.requirements:
        requirements = folder.with_suffix(".requirements.txt")
        requirements.write_text("\n".join([*spec.pip_options, *spec.requirements]) + "\n")
        steps.append([*install, "-r", str(requirements)])
    for command in steps:
        shown = " ".join(Path(part).name if i == 0 else part for i, part in enumerate(command))
        say(shown)
        failure = _stream(command, say)
        if failure is not None:
            return shown, failure
    return None


def _stream(command: list[str], say: Progress) -> str | None:
    """Run one step, passing its lines on as progress; its last lines when it failed."""
    lines: list[str] = []
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_clean_env(), errors="replace"
        )
    except OSError as exc:
        return str(exc)
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip()
        lines.append(line)
        if line:
            say(line)
    if process.wait() != 0:
        return "\n".join(lines[-_ERROR_LINES:])
    return None


def _clean_env() -> dict[str, str]:
    """Our own virtual environment and paths must not leak into the one being built."""
    env = outside_our_python(os.environ)
    env["PIP_REQUIRE_VIRTUALENV"] = "0"
    # uv and pip wrap their error reports at the terminal's width (COLUMNS, which pytest-xdist's workers set to 80);
    # a sentence cut over lines loses the package it names from the failure's headline, which is its last line.
    env["COLUMNS"] = "10000"
    return env


def _python(folder: Path) -> Path:
    return folder / "bin" / "python"


def _canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))
