"""Every Python score-contract claims (pyproject's requires-python and classifiers), tested.

    nox -s smoke                 # the smoke set on each supported Python installed here, against the built wheel
    nox -s smoke-3.13            # one of them
    nox -s tests-3.12            # the whole suite on one of them (an editable install, as the README's command)

CI (`.ci/run`) runs the whole suite on the default Python with the README's command, then `nox -s smoke` for the
other versions. A version that is not installed is skipped, and nox says so in its summary ("Python interpreter
3.10 not found"): it is never downloaded (this machine reaches package registries only).

The smoke set is run against the installed wheel, not the checkout: the tests and examples are copied into a folder
of their own that holds no `score_contract/` or `plugins/`, so every import (in pytest, in the worker processes, in
the pytest sessions the tests start) comes from the session's site-packages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

SUPPORTED = ("3.10", "3.11", "3.12", "3.13")
#: The default Python runs the whole suite; the others this set: loading and calling as the server does (parity
#: with the official server), the bundled examples and the realworld scripts through the installed plugin, the two code
#: paths of the caught-exception watcher (sys.monitoring from 3.12, the trace function before), and the package itself.
SMOKE = (
    "tests/test_examples.py",
    "tests/test_realworld.py",
    "tests/test_parity.py",
    "tests/test_parity_http.py",
    "tests/test_caught.py",
    "tests/test_package.py",
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


def _wheel(session: nox.Session) -> Path:
    """The wheel users install, built once per nox run with `python -m build` (sdist first, the wheel from it)."""
    dist = ROOT / ".nox" / "dist"
    built = sorted(dist.glob("score_contract-*.whl"))
    if not built:
        shutil.rmtree(dist, ignore_errors=True)
        session.log("building the sdist and the wheel")
        subprocess.run(
            [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True
        )
        built = sorted(dist.glob("score_contract-*.whl"))
    return built[-1]


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
    wheel = _wheel(session)
    session.install(f"score-contract[test] @ {wheel.as_uri()}")
    suite = _outside_the_checkout(session)
    session.chdir(suite)
    session.run(
        "python",
        "-c",
        "import score_contract, sys; assert 'site-packages' in score_contract.__file__, score_contract.__file__",
    )
    session.run("pytest", "-p", "no:cacheprovider", "-q", *SMOKE, *session.posargs)


@nox.session(python=SUPPORTED)
def tests(session: nox.Session) -> None:
    """The whole suite on this Python (an editable install, as the README's test command)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)
