"""A test run that does not use the gate (no --score) pays next to nothing for the plugin being installed: importing
it, and its pytest_configure, import none of the engine and none of the heavy libraries the gate needs (timed by
bench/plugin_import.py; here only what is imported is asserted, which does not vary with the machine's load)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: What the plugin may import of the engine at start-up: its options and its error type, no more.
ALLOWED = {"score_contract", "score_contract.config", "score_contract.config.options", "score_contract.errors"}
#: What the gate needs once it runs, and a team's run without it must not pay for.
HEAVY = ("hypothesis", "jsonschema", "requests", "yaml", "dateutil", "coverage", "numpy")


def _too_much(modules: list[str]) -> list[str]:
    engine = [m for m in modules if m.split(".")[0] == "score_contract" and m not in ALLOWED]
    return engine + [m for m in modules if m.split(".")[0] in HEAVY]


def test_importing_the_plugin_imports_no_engine_and_no_heavy_library() -> None:
    code = (
        "import json, sys, pytest; before = set(sys.modules); import pytest_score_contract; "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert _too_much(json.loads(done.stdout)) == []


CONFTEST = """
import json, sys


def pytest_collection_finish(session):
    # Before Hypothesis's own plugin imports hypothesis in its terminal summary (6.155 does, in every run).
    print("MODULES " + json.dumps(sorted(sys.modules)))
"""


def test_a_test_run_without_score_imports_no_engine_and_no_heavy_library(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_own.py").write_text("def test_one_plus_one():\n    assert 1 + 1 == 2\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-s", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("MODULES "))
    modules = json.loads(line.removeprefix("MODULES "))
    assert "pytest_score_contract" in modules  # the plugin was loaded, and stayed out of the way
    assert _too_much(modules) == []
