"""The installers that build an environment, and how one of their steps runs.

- uv, when installed (``pip install 'score-contract[env]'``): it resolves and installs from its own
  cache in about a second, and compiles bytecode as it installs (``--compile-bytecode``), so that a
  cached environment's first import (and init()) is timed as in an image, where pip compiled it.
- pip (``python -m venv`` and pip) otherwise, and to confirm a failure of uv's: the platform builds
  with conda and pip, and uv's resolver may pick other versions than pip's (see :mod:`.build`).
- conda, mamba or micromamba, for environments that hold a package only conda installs (gdal from
  conda-forge): the first of them on PATH builds the whole conda file, as the platform does.

A step's output goes to a file, never to the terminal: it is kept whole for the failure text, and the
terminal (or CI log) gets one line every few seconds saying which step runs and for how long.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.ticker import EVERY, FIRST
from ..isolation.sandbox import outside_our_python

Progress = Callable[[str], None]
#: Preferred first: micromamba and mamba solve in seconds what conda solves in minutes.
CONDA_TOOLS = ("micromamba", "mamba", "conda")


def uv_path() -> str | None:
    found = shutil.which("uv")
    if found:
        return found
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found,unused-ignore]

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return None


def preferred() -> str:
    """``uv`` when it is installed and not overridden (``SCORE_CONTRACT_INSTALLER=pip``), else ``pip``."""
    forced = os.environ.get("SCORE_CONTRACT_INSTALLER", "")
    if forced in ("pip", "uv"):
        return forced
    return "uv" if uv_path() else "pip"


def conda_tool() -> str | None:
    """The first of micromamba, mamba and conda on PATH (None: none is)."""
    return next((found for name in CONDA_TOOLS if (found := shutil.which(name))), None)


def is_conda(tool: str) -> bool:
    return Path(tool).name in CONDA_TOOLS


def name(tool: str) -> str:
    """What messages call an installer: uv, pip, or the conda tool's name."""
    return Path(tool).name


def python_in(folder: Path) -> Path:
    return folder / "bin" / "python"


def venv_commands(tool: str, interpreter: Path, folder: Path, requirements: Path | None) -> list[list[str]]:
    """Make a virtual environment on ``interpreter`` and install ``requirements`` into it."""
    python = str(python_in(folder))
    if tool == "uv":
        uv = uv_path() or "uv"
        create = [uv, "venv", "--quiet", "--python", str(interpreter), str(folder)]
        install = [uv, "pip", "install", "--compile-bytecode", "--python", python]
    else:
        create = [str(interpreter), "-m", "venv", str(folder)]
        install = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
    return [create, *([[*install, "-r", str(requirements)]] if requirements is not None else [])]


def conda_commands(tool: str, folder: Path, document: Path) -> list[list[str]]:
    """Create the conda environment ``document`` describes at ``folder``: its Python comes from it too."""
    if name(tool) == "micromamba":
        return [[tool, "create", "--yes", "--quiet", "--prefix", str(folder), "--file", str(document)]]
    # `conda env create` never prompts (and older releases refuse --yes); mamba 1 and 2 take the same.
    return [[tool, "env", "create", "--quiet", "--prefix", str(folder), "--file", str(document)]]


@dataclass(frozen=True)
class StepFailure:
    """A step that failed: the command as shown, and everything it printed."""

    command: str
    output: str


def run(commands: list[list[str]], doing: str, say: Progress) -> StepFailure | None:
    """Run the steps in order; the first that fails stops the rest. ``doing`` heads the progress lines."""
    for command in commands:
        shown = " ".join(Path(part).name if i == 0 else part for i, part in enumerate(command))
        output = _run_one(command, f"{doing}: {_step(shown)}", say)
        if output is not None:
            return StepFailure(shown, output)
    return None


def _step(shown: str) -> str:
    """A progress line's name for a step: its words up to the first option or path ("uv pip install")."""
    words = shown.split()
    end = next((i for i, w in enumerate(words) if i and (w.startswith("--") or "/" in w)), len(words))
    return " ".join(words[:end])


def _run_one(command: list[str], doing: str, say: Progress) -> str | None:
    """None when the step succeeded, else its whole output."""
    with tempfile.TemporaryFile() as log:
        try:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=clean_env())
        except OSError as exc:
            return str(exc)
        started = time.monotonic()
        last = -1.0
        try:
            while True:
                try:
                    code = process.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    pass
                elapsed = time.monotonic() - started
                if elapsed >= FIRST and (last < 0 or elapsed - last >= EVERY):
                    last = elapsed
                    say(f"{doing} ({elapsed:.0f} s)")
        finally:
            if process.poll() is None:  # interrupted (Ctrl-C): the installer stops with us
                process.kill()
                process.wait()
        if code == 0:
            return None
        log.seek(0)
        return log.read().decode(errors="replace")


def last_line(output: str) -> str:
    """An installer's verdict in one line: its last ``error:`` (uv) or ``ERROR:`` (pip) line, with the
    resolver's explanation uv indents below it (``No solution found ...: Because ...``); else its last line
    that says something. A failed build's own output and uv's ``hint:`` lines come after the verdict."""
    lines = output.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].startswith(("error:", "ERROR:")):
            verdict = lines[index].split(":", 1)[1].strip().rstrip(":")
            below = []
            for line in lines[index + 1 :]:
                if not line.startswith(" ") or not line.strip():
                    break
                below.append(line.strip().removeprefix("cause:").strip())
            # A resolver's explanation (uv: "cause: Because ..."); a failed build's causes say nothing more.
            if below and below[0].startswith("Because"):
                verdict = f"{verdict}: {' '.join(below)}"
            return verdict
    said = [line.strip() for line in lines if line.strip() and not line.startswith("hint:")]
    return said[-1] if said else "the installer failed"


def clean_env() -> dict[str, str]:
    """Our own virtual environment and paths must not leak into the one being built."""
    env = outside_our_python(os.environ)
    env["PIP_REQUIRE_VIRTUALENV"] = "0"
    # uv and pip wrap their error reports at the terminal's width (COLUMNS, which pytest-xdist's workers set to 80);
    # a sentence cut over lines loses the package it names from the failure's headline, which is its last line.
    env["COLUMNS"] = "10000"
    return env
