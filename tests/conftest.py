from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# pytester runs pytest in this process and drops, after each run, the modules
# that run imported; Hypothesis's strategy classes imported by one inner run and
# kept by another then differ. Importing them here keeps one copy for all.
import score_contract.exploration.search  # noqa: F401
import score_contract.inputs.strategies  # noqa: F401

# The built sdist and wheel, and a venv outside the checkout with the wheel installed (test_package,
# test_ci_templates). Imported rather than named in pytest_plugins, which pytest refuses in a conftest below the
# rootdir, as this one is when a user's session gates a script under tests/.
from tests.installed import built_dist, built_wheel, wheel_venv  # noqa: E402, F401
from tests.shared import Once, once_fixture  # noqa: E402, F401

SCRIPTS = Path(__file__).parent / "scripts"
REPO = Path(__file__).parent.parent

# The suite starts hundreds of Python processes (pytest sessions, workers, the official server). Where the machine
# sets PYTHONDONTWRITEBYTECODE (these machines do), each of them compiled our package and the scripts from source
# again, and pytest rewrote the assertions of all of Hypothesis again (its pytest plugin marks the whole package for
# rewriting, and the rewritten modules are cached only where bytecode may be written): 1.45 s of CPU for a
# `pytest --score` of a trivial script against 0.75 s. The processes of this session cache their bytecode as a
# user's would; nothing the tests judge depends on it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# A CI runner marks itself in the environment (CI, GITHUB_ACTIONS, TF_BUILD...), and Hypothesis then loads its
# derandomized "ci" profile in every session a test starts: no seed in the header, none in a reproduce line. The
# sessions the tests start run as on a developer's machine, wherever the suite runs; a test of CI's behaviour sets
# CI itself (monkeypatch.setenv / env=).
CI_MARKERS = (  # the variables Hypothesis reads (hypothesis/_settings.py, _CI_VARS)
    "CI",
    "__TOX_ENVIRONMENT_VARIABLE_ORIGINAL_CI",
    "TF_BUILD",
    "bamboo.buildKey",
    "BUILDKITE",
    "CIRCLECI",
    "CIRRUS_CI",
    "CODEBUILD_BUILD_ID",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "HEROKU_TEST_RUN_ID",
    "TEAMCITY_VERSION",
)
for _marker in CI_MARKERS:
    os.environ.pop(_marker, None)


def pytest_configure(config: pytest.Config) -> None:
    """Commands the tests start run as from a user's shell: not inside an xdist worker.

    xdist marks its workers in the environment (PYTEST_XDIST_WORKER...), and every child process would inherit it:
    a nested pytest then believes itself a worker (pytest-benchmark, when installed, warns on stderr that it disables
    itself). xdist itself reads the worker's identity from ``config.workerinput``, not from these.
    """
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        os.environ.pop(name, None)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` runs half as many workers again as there are cores: a sixth of the suite's time is spent waiting
    on other processes (servers booting, deliberate timeouts, installers), not computing. On 2 cores, the whole
    suite: 313 s with 2 workers (83% of the CPU used), 280 s with 3."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, (cores * 3 + 1) // 2)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """The suite's files that do their work in one module fixture go whole to one worker (tests/scheduling.py)."""
    if config.getvalue("dist") != "load":
        return None
    from tests.scheduling import SuiteScheduling

    return SuiteScheduling(config, log)


@pytest.fixture
def copy_script(pytester: pytest.Pytester) -> Callable[..., Path]:
    """Copy tests/scripts/<name>/ into the pytester folder; return the script path."""

    def copy(name: str, to: str | None = None) -> Path:
        target = pytester.path / (to or name)
        shutil.copytree(SCRIPTS / name, target)
        return target / "score.py"

    return copy


@dataclass
class Outcomes:
    """One pytest --score session run in a subprocess, read back from its JUnit file."""

    #: (script folder name, check) -> (passed | failure | skipped | error, message)
    outcomes: dict[tuple[str, str], tuple[str, str]]
    output: str
    returncode: int
    seconds: float


def run_contract_session(args: list[str], junit: Path, env: dict[str, str] | None = None) -> Outcomes:
    """``env``: variables set on top of this process's (a tag the test finds its processes by)."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", f"--junitxml={junit}", *args]
    started = time.perf_counter()
    environ = {**os.environ, **env} if env else None
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, env=environ)
    seconds = time.perf_counter() - started
    outcomes = {}
    for case in ET.parse(junit).iter("testcase"):
        script = case.get("classname", "").split(".")[-2]
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "skipped", "error"):
                outcome, message = child.tag, child.get("message", "")
        outcomes[(script, case.get("name", ""))] = (outcome, message)
    return Outcomes(outcomes, done.stdout + done.stderr, done.returncode, seconds)


@pytest.fixture(scope="session")
def matrix(once: Once[Outcomes]) -> Outcomes:
    """One session over the scripts of tests/scripts, hanging and crashing ones included."""
    from tests.test_contract_matrix import EXPECTED

    args = [arg for name in sorted(EXPECTED) for arg in ("--score", f"tests/scripts/{name}/score.py")]
    args += ["--score-timeout", "1", "--score-init-timeout", "3"]
    args += ["--score-model-dir", "tests/scripts/init_needs_model_dir/model"]
    return once("matrix", lambda folder: run_contract_session(args, folder / "junit.xml"))


@pytest.fixture(scope="session")
def realworld(once: Once[Outcomes]) -> Outcomes:
    """One session over the scripts of tests/realworld, written as Azure ML users write them."""
    from tests.test_realworld import run_realworld_session

    return once("realworld", lambda folder: run_realworld_session(folder / "junit.xml"))
