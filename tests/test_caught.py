"""The worker sees the exceptions a script catches in its own code, and no others:
through the script's own handlers, instrumented at import, before Python 3.12, through
sys.monitoring from 3.12 on. The same scenario runs under this Python and under
every other Python 3.12+ found on the machine, so both mechanisms are tested."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import REPO

USER_CODE = """
import json

cache = {}


def lookup(key):
    try:
        return cache[key]
    except KeyError:
        cache[key] = len(key)
        return cache[key]


def hides(raw):
    try:
        return json.loads(raw)["data"]
    except Exception as e:
        return {"error": str(e)}


def escapes():
    raise ValueError("not caught here")


def short_circuit(values):
    return any(v > 1 for v in values)


def library_only():
    # json catches its own exceptions inside; none passes through this file.
    return json.loads('{"a": [1, 2, 3]}')


def parse(text):
    return float(text)


def with_default(text):
    try:
        return parse(text)
    except ValueError:
        return 0.0


class Settings:
    def __getattr__(self, name):
        raise AttributeError(name)


def probes():
    # getattr() with a default stops the AttributeError in C, not in this file.
    return getattr(Settings(), "threshold", 0.5)
"""

SCENARIO = """
import importlib.util, json, sys
sys.path.insert(0, {repo!r})
from score_contract.serving.caught import Watcher

watcher = Watcher(({root!r},))  # before the import, as the worker makes it
spec = watcher.spec("entry_module", {script!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
results = {{}}
for name, call in [
    ("cache_miss", lambda: module.lookup("abc")),
    ("hidden", lambda: module.hides("{{")),
    ("short_circuit", lambda: module.short_circuit([0, 5, 7])),
    ("library_only", module.library_only),
    ("raised_below", lambda: module.with_default("n/a")),
    ("stopped_by_c", module.probes),
]:
    with watcher.watching() as seen:
        call()
    results[name] = [[c.error.type_name, c.where] for c in seen.caught((), {root!r})]
try:
    with watcher.watching() as seen:
        module.escapes()
except ValueError as exc:
    results["escaped"] = [[c.error.type_name, c.where] for c in seen.caught((exc,), {root!r})]
print(json.dumps(results))
"""


def run_scenario(python: str, tmp_path: Path) -> dict[str, list[list[str]]]:
    script = tmp_path / "score.py"
    script.write_text(textwrap.dedent(USER_CODE))
    code = SCENARIO.format(repo=str(REPO), script=str(script), root=str(tmp_path))
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, list[list[str]]] = json.loads(done.stdout)
    return result


def pythons() -> list[str]:
    """This Python, and every other Python 3.10+ on the machine: on PATH, or beside this
    one (pyenv's versions/ folder). 3.12+ use sys.monitoring, 3.10/3.11 instrumented handlers."""
    if not (REPO / "score_contract").is_dir():
        # Run against an installed wheel (nox -s smoke): only this Python has it; nox runs each other one.
        return [sys.executable]
    candidates = [shutil.which(f"python3.{minor}") for minor in range(10, 15)]
    candidates += [str(p) for p in Path(sys.base_prefix).parent.glob("3.1*/bin/python3")]
    found = {str(Path(sys.executable).resolve())}
    for path in filter(None, candidates):
        probe = subprocess.run(
            [path, "-c", "import sys; assert sys.version_info >= (3, 10)"], capture_output=True, timeout=30
        )
        if probe.returncode == 0:
            found.add(str(Path(path).resolve()))
    return sorted(found)


@pytest.mark.parametrize("python", pythons())
def test_caught_exceptions_are_seen_in_the_scripts_own_code_only(python: str, tmp_path: Path) -> None:
    results = run_scenario(python, tmp_path)
    # A cache miss is seen (whether it reaches the answer is the check's business).
    assert [name for name, _ in results["cache_miss"]] == ["KeyError"]
    # Where: the line of the script's frame the exception came through, on every Python (3.12+ once said the
    # `def` line, since the except block's first instruction has no line).
    assert results["cache_miss"][0][1] == "score.py:9 in lookup"
    assert results["hidden"] == [["json.decoder.JSONDecodeError", "score.py:17 in hides"]]
    # any() closing its generator early is control flow, not an error.
    assert results["short_circuit"] == []
    # Exceptions json raises and catches inside itself never pass through the script.
    assert results["library_only"] == []
    # The exception that left the block is not "caught".
    assert results["escaped"] == []
    # Raised in a function that has no handler, caught by its caller: where the caller caught it.
    assert results["raised_below"] == [["ValueError", "score.py:41 in with_default"]]
    # A handler outside the script's files is not the script's catch (a C function's neither): before 3.12 the
    # trace function (before issue 22) once said the script caught it in __getattr__, where it was only raised.
    assert results["stopped_by_c"] == []


def test_the_mechanism_matches_the_python() -> None:
    from score_contract.serving import caught

    watcher = caught.Watcher(("/nowhere",))
    assert watcher._monitoring == (sys.version_info >= (3, 12))


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="sys.monitoring needs no instrumenting")
def test_nothing_is_instrumented_for_a_script_whose_files_cannot_catch(tmp_path: Path) -> None:
    from score_contract.serving import caught

    (tmp_path / "score.py").write_text(
        textwrap.dedent(
            """
            import json

            def init():
                global weights
                weights = [0.5, -0.25, 1.0]

            def run(raw_data):
                rows = json.loads(raw_data)["data"]
                return {"scores": [sum(w * x for w, x in zip(weights, row)) for row in rows]}
            """
        )
    )
    # An installed package under the app root is not the script's (tracebacks.is_user_file), nor is a hidden folder.
    guarded = "try:\n    import x\nexcept ImportError:\n    x = None\n"
    for folder in ("venv/lib/python3.11/site-packages", ".git/hooks"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "lib.py").write_text(guarded)
    assert not caught.any_file_can_catch((str(tmp_path),))
    # A file run() may import later counts as much as one imported already: a `with` is a handler too.
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "io.py").write_text("def read(path):\n    with open(path) as f:\n        return f.read()\n")
    assert caught.any_file_can_catch((str(tmp_path),))


HELPER = """
def parse(text):
    try:
        return int(text)
    except ValueError:
        return -1
"""

INSTRUMENTED = """
from __future__ import annotations

import contextlib

import helper


def suppressed():
    with contextlib.suppress(KeyError):
        {}["missing"]
    return "went on"


def passes_through(path):
    with open(path) as f:
        raise RuntimeError(f.name)


def annotated(x: NotDefinedAnywhere) -> int:
    return helper.parse(x)
"""

HANDLERS_SCENARIO = """
import importlib.util, json, os, sys, traceback
sys.path.insert(0, {repo!r})
from score_contract.serving.caught import Watcher

root = {root!r}
sys.path.append(root)  # as the server appends the app root
watcher = Watcher((root,))
spec = watcher.spec("entry_module", os.path.join(root, "score.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
plain_spec = importlib.util.spec_from_file_location("plain", os.path.join(root, "score.py"))
plain = importlib.util.module_from_spec(plain_spec)
plain_spec.loader.exec_module(plain)
results = {{"instrumented": watcher.instrumented, "monitored": sys.version_info >= (3, 12)}}
for name, call in [("suppressed", module.suppressed), ("annotated", lambda: module.annotated("n/a"))]:
    with watcher.watching() as seen:
        results[name + "_returned"] = call()
    results[name] = [[c.error.type_name, c.where] for c in seen.caught((), root)]
tracebacks = []
for candidate in (module, plain):
    try:
        candidate.passes_through(os.path.join(root, "score.py"))
    except RuntimeError as exc:
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        tracebacks.append([line for line in lines if "scenario" not in line])
results["same_traceback"] = tracebacks[0] == tracebacks[1]
results["traceback"] = tracebacks[0]
results["cached"] = sorted(os.listdir(os.path.join(root, "__pycache__"))) if os.path.isdir(os.path.join(root, "__pycache__")) else []
print(json.dumps(results))
"""


@pytest.mark.parametrize("python", pythons())
def test_instrumented_handlers_report_and_change_nothing_else(python: str, tmp_path: Path) -> None:
    """Before 3.12 the script's files are imported with their handlers instrumented: a `with` that swallows is
    seen, a module of the script's folder is instrumented too, an exception that leaves a `with` keeps its
    traceback line for line, `from __future__` still holds, and no instrumented bytecode is left for the server
    to load. From 3.12 the same scenario runs through sys.monitoring: the same answers."""
    (tmp_path / "score.py").write_text(INSTRUMENTED)
    (tmp_path / "helper.py").write_text(HELPER)
    code = HANDLERS_SCENARIO.format(repo=str(REPO), root=str(tmp_path))
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["instrumented"] == (not results["monitored"])
    assert results["suppressed_returned"] == "went on"
    assert results["suppressed"] == [["KeyError", "score.py:11 in suppressed"]]
    assert results["annotated_returned"] == -1
    assert results["annotated"] == [["ValueError", "helper.py:4 in parse"]]
    assert results["same_traceback"], results["traceback"]
    assert 'score.py", line 17, in passes_through' in "".join(results["traceback"])
    if results["instrumented"]:
        # Only the plain import (the server's) may cache bytecode: helper.py was imported instrumented alone.
        assert not [name for name in results["cached"] if name.startswith("helper.")]
