"""Fixtures for testing what users install: the sdist and wheel `python -m build` makes, and a fresh virtual
environment outside the checkout with that wheel installed (registered by conftest's pytest_plugins).

Built once per session: test_package checks the package itself, test_ci_templates runs the GitHub Action and the
Azure Pipelines template against the same installed wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared import Once

REPO = Path(__file__).parent.parent


def uv() -> str | None:
    """uv, from its Python package (the test extra) or PATH: a fresh venv in seconds where pip takes a minute."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


def build(*args: str, outdir: Path) -> None:
    """`python -m build` as a release is made: in an isolated environment (uv installs it when it is here)."""
    installer = ["--installer", "uv"] if uv() else []
    done = subprocess.run(
        [sys.executable, "-m", "build", *installer, *args, "--outdir", str(outdir), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def outside(venv: Path | None = None) -> dict[str, str]:
    """The environment of a user's shell with that venv activated: nothing of this test session's."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "COV_CORE_SOURCE")
    env = {key: value for key, value in os.environ.items() if key not in drop}
    if venv is not None:
        env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
        env["VIRTUAL_ENV"] = str(venv)
    return env


def copy_examples(workdir: Path, *names: str) -> None:
    for name in names:
        shutil.copytree(REPO / "examples" / name, workdir / name, ignore=shutil.ignore_patterns("__pycache__"))


@pytest.fixture(scope="session")
def built_dist(once: Once[Path]) -> Path:
    """The sdist and the wheel built from it (what `python -m build` does by default)."""

    def make(outdir: Path) -> Path:
        build(outdir=outdir)
        return outdir

    return once("built_dist", make)


@pytest.fixture(scope="session")
def built_wheel(built_dist: Path) -> Path:
    (wheel,) = built_dist.glob("score_contract-*.whl")
    return wheel


@pytest.fixture(scope="session")
def wheel_venv(built_wheel: Path, once: Once[Path]) -> Path:
    """A fresh virtual environment outside the checkout: the wheel, the examples' extras, and pip (the CI templates
    install with it)."""

    def make(folder: Path) -> Path:
        env = folder / "env"
        requirement = f"score-contract[examples] @ {built_wheel.as_uri()}"
        found = uv()
        if found:
            commands = [[found, "venv", "-q", "--seed", "--python", sys.executable, str(env)],
                        [found, "pip", "install", "-q", "--python", str(env / "bin" / "python"), requirement]]  # fmt: skip
        else:
            python = str(env / "bin" / "python")
            commands = [[sys.executable, "-m", "venv", str(env)], [python, "-m", "pip", "install", "-q", requirement]]
        for command in commands:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=outside())
            assert done.returncode == 0, done.stderr[-3000:]
        return env

    return once("wheel_venv", make)
