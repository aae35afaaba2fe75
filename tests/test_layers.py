"""The engine's layers are the code's own structure, and a tool enforces them (issue 20): import-linter's contracts
in pyproject.toml (each layer uses only those below it, online and batch never import each other, the engine never
imports pytest), no import cycle among the modules counting imports inside functions, and no module past the size
a reader takes in at once."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.installed import REPO

#: ~400 lines, as the style asks; a few over are a smell, not a breach, so the limit has a small margin.
MAX_LINES = 420
PACKAGES = ("score_contract", "pytest_score_contract", "score_contract_cli")


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is in the test extra")
def test_import_linter_keeps_every_contract() -> None:
    done = subprocess.run(["lint-imports"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph(*PACKAGES)
    cycles = [
        (module, other)
        for module in graph.modules
        for other in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=other, imported=module)
    ]
    assert cycles == []


def test_no_module_outgrows_what_a_reader_takes_in_at_once() -> None:
    too_long = {
        str(path.relative_to(REPO)): lines
        for folder in (REPO / "score_contract", REPO / "plugins")
        for path in folder.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_the_session_never_asks_which_kind_a_run_is() -> None:
    session = (REPO / "score_contract" / "session.py").read_text()
    assert "isinstance" not in session
    assert "BatchRun" not in session and "ScriptRun" not in session


def test_each_kind_is_found_by_its_own_name_and_imported_only_when_asked_for() -> None:
    """session.KINDS says where each kind is defined (a run imports only the kinds of its scripts): the name it is
    listed under is the kind's own, and importing the session imports none of them."""
    code = (
        "import sys; from score_contract.session import KINDS, kind_named; "
        "print(sorted(m for m in sys.modules if m.endswith('.kind') and m != 'score_contract.pipeline.kind')); "
        "print(sorted((name, kind_named(name).name) for name in KINDS))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    before, named = done.stdout.splitlines()
    assert before == "[]"
    assert named == str(sorted((name, name) for name in ("online", "batch", "comparison")))


def test_the_worker_stays_standard_library_only() -> None:
    """A deployment's environment holds none of our dependencies: the worker's own imports must not need them."""
    code = (
        "import sys; before = set(sys.modules); import score_contract.worker; "
        "print(sorted({m.split('.')[0] for m in set(sys.modules) - before}"
        " - set(sys.stdlib_module_names) - {'score_contract', '__mp_main__'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=Path("/"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
