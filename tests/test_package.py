"""What users install is what we test: the wheel built by `python -m build`, installed in a fresh virtual
environment outside the checkout, gates a correct and a broken example.

An editable install maps the source folder, so a module missing from the wheel (score_contract.coverage, and
score_contract.batch before it) never showed in a suite run that way: every user's run stopped at
`ModuleNotFoundError` while the suite was green.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.installed import REPO, build, copy_examples, outside

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the Python the full suite runs on is 3.11
    import tomli as tomllib

pytestmark = pytest.mark.skipif(
    not (REPO / "score_contract").is_dir(), reason="needs the checkout: the package is built from its sources"
)

#: Where each source folder is installed (pyproject.toml's packages.find: the plugins install at the top level).
SOURCES = {
    "score_contract": "score_contract",
    "plugins/pytest_score_contract": "pytest_score_contract",
    "plugins/score_contract_cli": "score_contract_cli",
}
#: Files other than modules that the package needs at run time.
DATA = ("py.typed", "report.schema.json")


def _declared_version() -> str:
    version: str = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    return version


def _contents(wheel: Path) -> dict[str, str]:
    """Each file of a wheel (its metadata aside) and a hash of its bytes."""
    with zipfile.ZipFile(wheel) as archive:
        return {
            name: hashlib.sha256(archive.read(name)).hexdigest()
            for name in archive.namelist()
            if ".dist-info/" not in name
        }


def _gate(venv: Path, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`pytest --score ...` in the installed venv, run from a folder outside the checkout."""
    return subprocess.run(
        [str(venv / "bin" / "pytest"), "-p", "no:cacheprovider", "-rA", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
        env=outside(venv),
    )


def test_every_module_and_data_file_is_in_the_wheel(built_wheel: Path) -> None:
    expected = set()
    for source, installed in SOURCES.items():
        for path in (REPO / source).rglob("*"):
            if path.is_file() and (path.suffix == ".py" or path.name in DATA) and "__pycache__" not in path.parts:
                expected.add(f"{installed}/{path.relative_to(REPO / source).as_posix()}")
    assert expected, "no sources found"
    in_wheel = set(_contents(built_wheel))
    assert sorted(expected - in_wheel) == [], "missing from the wheel"
    assert sorted(in_wheel - expected) == [], "in the wheel but not in the sources"


def test_the_sdist_builds_the_same_wheel_as_the_source_tree(
    built_dist: Path, built_wheel: Path, tmp_path: Path
) -> None:
    (sdist,) = built_dist.glob("score_contract-*.tar.gz")
    assert sdist.name == f"score_contract-{_declared_version()}.tar.gz"
    build("--wheel", outdir=tmp_path)
    (direct,) = tmp_path.glob("score_contract-*.whl")
    assert _contents(direct) == _contents(built_wheel)


def test_the_wheel_declares_its_entry_points_and_the_dependencies_it_imports(built_wheel: Path) -> None:
    with zipfile.ZipFile(built_wheel) as archive:
        info = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        metadata = archive.read(info).decode()
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "score_contract = pytest_score_contract" in entry_points
    assert "score-contract = score_contract_cli:main" in entry_points
    requires = {re.split(r"[ ;<>=!~\[]", line.split(": ", 1)[1])[0].lower()
                for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line}  # fmt: skip
    # coverage.py (--score-cov) and requests (--score-server, replay) are imported by the engine, not optional.
    assert {"pytest", "hypothesis", "jsonschema", "azureml-inference-server-http", "coverage", "requests"} <= requires
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in metadata


def test_the_installed_package_is_imported_from_the_venv_and_names_its_version(
    wheel_venv: Path, tmp_path: Path
) -> None:
    done = subprocess.run(
        [str(wheel_venv / "bin" / "python"), "-c", "import score_contract, pytest_score_contract; print(score_contract.__file__); print(pytest_score_contract.__file__); print(score_contract.__version__)"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, env=outside(wheel_venv),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    engine, plugin, version = done.stdout.split()
    assert engine.startswith(str(wheel_venv)) and plugin.startswith(str(wheel_venv))
    assert version == _declared_version()
    shown = subprocess.run(
        [str(wheel_venv / "bin" / "score-contract"), "--version"], cwd=tmp_path, capture_output=True, text=True,
        timeout=60, env=outside(wheel_venv),
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"score-contract {_declared_version()}: azureml-inference-server-http ")


def test_the_installed_package_passes_a_correct_example(wheel_venv: Path, tmp_path: Path) -> None:
    copy_examples(tmp_path, "sklearn-diabetes")
    done = _gate(wheel_venv, tmp_path, "--score", "sklearn-diabetes/score.py")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "PASSED sklearn-diabetes/score.py::run_accepts_valid_input" in done.stdout
    assert "INTERNALERROR" not in done.stdout + done.stderr


def test_the_installed_package_fails_a_broken_example_for_its_check_with_coverage(
    wheel_venv: Path, tmp_path: Path
) -> None:
    copy_examples(tmp_path, "broken-nan-output")
    done = _gate(wheel_venv, tmp_path, "--score", "broken-nan-output/score.py", "--score-cov")
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    failed = re.findall(r"^FAILED (\S+)", done.stdout, re.MULTILINE)
    assert failed == ["broken-nan-output/score.py::output_is_strict_json"]
    assert "score-contract: coverage" in done.stdout
    assert "broken-nan-output/score.py 100%" in done.stdout


def test_the_installed_command_runs_the_same_gate(wheel_venv: Path, tmp_path: Path) -> None:
    copy_examples(tmp_path, "broken-nan-output")
    done = subprocess.run(
        [str(wheel_venv / "bin" / "score-contract"), "check", "broken-nan-output/score.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, env=outside(wheel_venv),
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    assert "broken-nan-output/score.py::output_is_strict_json" in done.stdout
