"""Every Python score-contract claims (pyproject's requires-python and classifiers), tested.

    nox -s smoke                 # the smoke set on each supported Python installed here, against the built wheel
    nox -s smoke-3.13            # one of them
    nox -s tests-3.12            # the whole suite on one of them (an editable install, as the README's command)

CI (`.ci/run`) runs the whole suite on the default Python with the README's command, then `nox -s smoke` for the
other versions (SCORE_CONTRACT_FULL_SUITE_PYTHON names the one already covered). A version that is not installed is skipped, and nox says so in its summary ("Python interpreter
3.10 not found"): it is never downloaded (this machine reaches package registries only).

The smoke set is run against the installed wheel, not the checkout: the tests and examples are copied into a folder
of their own that holds no `score_contract/` or `plugins/`, so every import (in pytest, in the worker processes, in
the pytest sessions the tests start) comes from the session's site-packages.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

SUPPORTED = ("3.10", "3.11", "3.12", "3.13")
#: The default Python runs the whole suite; the others this set, which covers what differs from one Python to
#: another and must stay cheap (it runs once per Python, beside the whole suite): both code paths of the
#: caught-exception watcher (sys.monitoring from 3.12, instrumented handlers before), loading and calling as the
#: server does (parity with the official app, in-process, for PARITY_CASES), and parity over real HTTP for one case
#: per way a request reaches run() and a response leaves it and a boot failure (the same names select three of the
#: checks that a forked server answers as a launched one). Not the realworld session (24 s of CPU on each Python,
#: the longest part of the set): what it judges is the engine's own logic, the same on every Python; what a Python
#: changes in it was the line a caught exception is placed on, which test_caught checks on every Python installed
#: here, from the whole suite too.
HTTP_CASES = ("returns-dict", "returns-numpy-array", "run-times-out", "schema-pandas-records", "boot-init-raises")
#: In-process parity on another Python: the cases whose answer that Python may change. numpy and pandas (3.10 gets
#: numpy 2.2 and pandas 2.3, 3.12 numpy 2.5 and pandas 3.1), the interpreter's own mechanics (an exception escaping
#: run() and its traceback, the scoring timeout's thread, a generator as the body), one case for each way a request
#: reaches run(), and a NaN answer (the most common defect). The other cases (a list, a str, a set, an AMLResponse,
#: a Flask Response, headers, optional parameters...) are answered by the same releases of the server, Flask,
#: werkzeug and inference-schema, and by the stdlib's json, on every Python: they run on another Python only when
#: it gets releases of those (SAME_ON_EVERY_PYTHON) that no run so far answered them with, neither the whole suite's
#: Python nor an earlier smoke session of this nox run (~10 s of CPU per Python they are left out on).
PARITY_CASES = (
    "returns-dict",
    "returns-nan-and-infinity",
    "returns-numpy-int64",
    "returns-numpy-float64",
    "returns-numpy-array",
    "run-raises-value-error",
    "run-raises-timeout-error",
    "run-times-out",
    "run-swallows-the-timeout",
    "flask-response-streamed",
    "schema-standard-dict",
    "schema-numpy-2d",
    "schema-pandas-records",
    "schema-automl-nested-frames",
    "rawhttp-get-data",
    "rawhttp-files",
    "rawhttp-form",
)
SAME_ON_EVERY_PYTHON = ("azureml-inference-server-http", "flask", "werkzeug", "inference-schema")
SMOKE = ("tests/test_caught.py", "tests/test_parity.py", "tests/test_parity_http.py")


def _selected(every_parity_case: bool) -> tuple[str, ...]:
    """The -k expression of the smoke set: the HTTP cases, and the in-process ones (all, or PARITY_CASES)."""
    http = "(not test_parity_http or " + " or ".join(HTTP_CASES) + ")"
    if every_parity_case:
        return ("-k", http)
    return ("-k", f"{http} and (not test_engine_answers_like_the_official_app or {' or '.join(PARITY_CASES)})")


def _releases(session: nox.Session) -> dict[str, str]:
    """The releases of SAME_ON_EVERY_PYTHON installed in the session's venv."""
    code = "import importlib.metadata as m, json, sys; print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))"
    printed = session.run("python", "-c", code, *SAME_ON_EVERY_PYTHON, silent=True)
    return json.loads(str(printed).strip().splitlines()[-1])


def _default_releases() -> dict[str, str]:
    """The same, where the whole suite runs (nox's own Python under .ci/run); {} where they are not installed."""
    try:
        return {name: importlib.metadata.version(name) for name in SAME_ON_EVERY_PYTHON}
    except importlib.metadata.PackageNotFoundError:
        return {}


#: The releases of SAME_ON_EVERY_PYTHON that answered every parity case in this nox run (the whole suite's first).
_ANSWERED: list[dict[str, str]] = []


#: The correct examples through the installed plugin, gated in one run as a team gates its scripts (each example's
#: settings are in its own score-contract.toml; the whole suite runs each with its README's command): every check
#: passes, none is skipped, and no advisory warning is given.
EXAMPLES = tuple(
    f"--score=examples/{name}/score.py"
    for name in (
        "sklearn-diabetes",
        "numpy-schema",
        "pandas-schema",
        "rawhttp-echo",
        "batch-files",
        "batch-tabular",
        "team-tests",
    )
)
ROOT = Path(__file__).parent

nox.options.sessions = ["smoke"]
nox.options.default_venv_backend = "uv|venv"
# A supported version absent here is reported as skipped; nox would otherwise fail on CI (CI=true) or try to
# download an interpreter, which this machine's network does not allow.
nox.options.error_on_missing_interpreters = False
nox.options.download_python = "never"


def _pyenv_interpreters() -> list[str]:
    """The bin folders of pyenv's installed versions: pyenv's shims answer only for the versions `pyenv global`
    names, and nox's interpreter discovery does not read pyenv, so python3.12 under pyenv is otherwise not found."""
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    return [
        str(path.parent)
        for version in SUPPORTED
        for path in sorted(Path(root).glob(f"versions/{version}.*/bin/python{version}"))
    ]


os.environ["PATH"] = os.pathsep.join([*_pyenv_interpreters(), os.environ.get("PATH", "")])
# Where the machine sets it (this one does), every process the sessions start would compile what it imports again
# (pandas, Flask, Hypothesis) and keep none of it: they cache their bytecode, as on a developer's machine.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


_BUILT: list[Path] = []


def _wheel(session: nox.Session) -> Path:
    """The wheel users install, built with `python -m build` (the sdist first, the wheel from it) once per nox run:
    a wheel left by an earlier run would test code that has changed since."""
    if not _BUILT:
        dist = ROOT / ".nox" / "dist"
        shutil.rmtree(dist, ignore_errors=True)
        session.log("building the sdist and the wheel")
        # From a copy of the sources: setuptools writes its egg-info and build folders into the tree it builds, and
        # .ci/run builds this wheel while the whole suite builds its own from the checkout (tests/installed.py).
        source = Path(session.create_tmp()) / "source"
        shutil.rmtree(source, ignore_errors=True)
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".nox", "build", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache", ".venv"))  # fmt: skip
        # Its isolated build environment installed by uv when uv is here (2.5 s instead of 4.4 s), as tests/installed.py.
        installer = ["--installer", "uv"] if shutil.which("uv") else []
        done = subprocess.run(
            [sys.executable, "-m", "build", *installer, "--outdir", str(dist), str(source)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            session.error(f"python -m build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        _BUILT.extend(dist.glob("score_contract-*.whl"))
    return _BUILT[0]


def _outside_the_checkout(session: nox.Session) -> Path:
    """The tests and the examples, without the package's sources beside them."""
    copy = Path(session.create_tmp()) / "suite"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    for folder in ("tests", "examples"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")  # the pytest settings (testpaths, -p pytester)
    return copy


@nox.session(python=SUPPORTED)
def smoke(session: nox.Session) -> None:
    """The smoke set on this Python, against the installed wheel."""
    if session.python == os.environ.get("SCORE_CONTRACT_FULL_SUITE_PYTHON"):
        session.skip(f"the whole suite ran on Python {session.python} (.ci/run)")
    wheel = _wheel(session)
    # Not compiled at install (uv's --compile-bytecode: 11 s of a 50 s session on 3.12, for all of pandas, SciPy and
    # scikit-learn): what the tests import is compiled at its first import and cached, bytecode being written (see
    # PYTHONDONTWRITEBYTECODE below).
    session.install(f"score-contract[test] @ {wheel.as_uri()}")
    suite = _outside_the_checkout(session)
    session.chdir(suite)
    # The example's model is pickled with the scikit-learn the default Python installs; another Python gets another
    # scikit-learn (3.10 tops out at 1.7), and the gate rightly warns of a model saved with another version. A model
    # is saved with the version it is deployed with: train it again here, as its README says.
    session.run("python", "examples/sklearn-diabetes/train.py")
    session.run(
        "python",
        "-c",
        "import score_contract, sys; assert 'site-packages' in score_contract.__file__, score_contract.__file__",
    )
    # Spread over the cores as the whole suite is, unless .ci/run says otherwise (it runs this beside the suite).
    workers = os.environ.get("SCORE_CONTRACT_SMOKE_WORKERS", "auto")
    if not _ANSWERED:
        _ANSWERED.append(_default_releases())
    releases = _releases(session)
    every_case = releases not in _ANSWERED
    if every_case:
        session.log(f"every in-process parity case: {releases} here, not yet answered with ({_ANSWERED})")
        _ANSWERED.append(releases)
    selected = _selected(every_case)
    session.run("pytest", "-p", "no:cacheprovider", "-q", "-n", workers, *SMOKE, *selected, *session.posargs)
    warned = "error::pytest_score_contract.ScoreContractWarning"
    gated = session.run("pytest", "-p", "no:cacheprovider", "-q", "-W", warned, *EXAMPLES, silent=True)
    print(gated)
    last = str(gated).strip().splitlines()[-1]
    if "skipped" in last or "passed" not in last:
        session.error(f"the correct examples did not pass every check: {last}")


@nox.session(python=SUPPORTED)
def tests(session: nox.Session) -> None:
    """The whole suite on this Python (an editable install, as the README's test command)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)
