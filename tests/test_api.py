"""Contract tests that teams write: the score_script fixture, the strategies and the assertions of the public API
(score_contract.__all__), used as a team would use them, through pytester sessions and against the official app."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import score_contract
from score_contract import ScriptFailed, open_script
from tests import official_app
from tests.parity_cases import CASES, SCORING_TIMEOUTS, bodies, comparable, script
from tests.test_parity import _environment

REPO = Path(__file__).parent.parent
TEAM = REPO / "examples" / "team-tests"

COUNTED_INIT = """
import json, os


def init():
    with open(os.environ["INIT_LOG"], "a") as log:
        log.write("init\\n")


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"total": sum(rows)}
"""

#: A team's test file that uses only the documented API; the script it tests is correct or broken.
TEAM_TESTS = """
from pathlib import Path

from hypothesis import given, settings

from score_contract import assert_answer, assert_strict_json, bodies

SCORE = Path(__file__).parent / "app" / "score.py"


def test_the_total_of_two_rows(score_script):
    answer = score_script(SCORE).run({"data": [1, 2]})
    assert_answer(answer, {"total": 3})


@settings(max_examples=30, deadline=None)
@given(body=bodies(SCORE))
def test_the_total_is_never_negative(score_script, body):
    assert assert_strict_json(score_script(SCORE).run(body))["total"] >= 0
"""

CORRECT = """
import json


def init():
    pass


def run(raw_data):
    return {"total": sum(json.loads(raw_data)["data"])}
"""

#: Subtracts instead of adding once a row is 3 or more: the example test passes, the property test fails.
BROKEN = """
import json


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"total": sum(rows) if max(rows, default=0) < 3 else -sum(rows)}
"""

SCHEMA = {
    "type": "object",
    "properties": {"data": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 100}}},
    "required": ["data"],
}


def _team_project(root: Path, source: str) -> None:
    (root / "app").mkdir()
    (root / "app" / "score.py").write_text(source)
    (root / "app" / "request.schema.json").write_text(json.dumps(SCHEMA))
    (root / "test_team.py").write_text(TEAM_TESTS)


def test_the_public_api_is_what_all_lists_and_importing_the_package_imports_none_of_it() -> None:
    for name in score_contract.__all__:
        assert getattr(score_contract, name) is not None, name
    code = "import sys, score_contract; print(sorted(m for m in sys.modules if m.startswith('score_contract.')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_correct_script_passes_the_teams_tests_and_a_broken_one_fails_with_the_body_and_the_difference(
    pytester: pytest.Pytester,
) -> None:
    _team_project(pytester.path, CORRECT)
    passed = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    passed.assert_outcomes(passed=2)
    broken = pytester.mkdir("broken")
    _team_project(broken, BROKEN)
    failed = pytester.runpytest_subprocess("-p", "no:cacheprovider", str(broken))
    failed.assert_outcomes(passed=1, failed=1)
    text = failed.stdout.str()
    # Hypothesis's minimal body (the smallest row that breaks it), and what the answer held.
    assert "body={'data': [3]}" in text
    assert "assert -3 >= 0" in text


def test_an_expected_answer_that_differs_shows_the_body_the_answer_and_the_place(pytester: pytest.Pytester) -> None:
    (pytester.path / "app").mkdir()
    (pytester.path / "app" / "score.py").write_text(BROKEN)
    pytester.makepyfile(
        test_diff="""
from pathlib import Path
from score_contract import assert_answer

def test_it(score_script):
    answer = score_script(Path(__file__).parent / "app" / "score.py").run({"data": [3, 4]})
    assert_answer(answer, {"total": 7})
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    for line in (
        "the answer differs from the expected one at 1 place(s):",
        "$.total: 7 → -7",
        'the body sent: {"data": [3, 4]}',
        'the answer: HTTP 200 {"total": -7}',
    ):
        assert line in text, text
    # The helper's own frames are hidden, as pytest hides its own: the test's line is what the traceback shows.
    assert "assertions.py" not in text


def test_under_xdist_the_teams_tests_give_the_same_outcomes(pytester: pytest.Pytester) -> None:
    _team_project(pytester.path, BROKEN)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=1, failed=1)


def test_init_runs_once_across_tests_and_across_the_fixture_and_the_gate(pytester: pytest.Pytester) -> None:
    (pytester.path / "app").mkdir()
    (pytester.path / "app" / "score.py").write_text(COUNTED_INIT)
    (pytester.path / "app" / "samples").mkdir()
    (pytester.path / "app" / "samples" / "one.json").write_text('{"data": [1, 2]}')
    log = pytester.path / "init.log"
    pytester.makepyfile(
        test_first="""
from pathlib import Path

def test_one(score_script):
    assert score_script(Path(__file__).parent / "app" / "score.py").run({"data": [1]}).json() == {"total": 1}

def test_two(score_script):
    assert score_script(Path(__file__).parent / "app" / "score.py").run({"data": [2]}).json() == {"total": 2}
"""
    )
    env = {"INIT_LOG": str(log)}
    os.environ.update(env)
    try:
        alone = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_first.py")
        alone.assert_outcomes(passed=2)
        assert log.read_text().count("init") == 1
        log.unlink()
        together = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_first.py", "--score", "app/score.py")
        together.assert_outcomes(passed=2 + 15)
        assert log.read_text().count("init") == 1  # the gate's run of the script is lent to the tests
    finally:
        for key in env:
            os.environ.pop(key, None)


HOSTILE = """
import json, os


def init():
    pass


def run(raw_data):
    if json.loads(raw_data).get("exit"):
        os._exit(7)
    return {"ok": True}
"""


def test_a_hostile_script_fails_the_test_that_called_it_and_the_session_goes_on(pytester: pytest.Pytester) -> None:
    (pytester.path / "app").mkdir()
    (pytester.path / "app" / "score.py").write_text(HOSTILE)
    pytester.makepyfile(
        test_hostile="""
from pathlib import Path

SCORE = Path(__file__).parent / "app" / "score.py"

def test_before(score_script):
    assert score_script(SCORE).run({"exit": False}).json() == {"ok": True}

def test_exits(score_script):
    score_script(SCORE).run({"exit": True})

def test_after_a_replacement_worker(score_script):
    assert score_script(SCORE).run({"exit": False}).json() == {"ok": True}
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*ScriptFailed: the script's worker exited with code 7 while it handled*"])


def test_a_script_whose_init_fails_fails_the_test_with_its_traceback(tmp_path: Path) -> None:
    (tmp_path / "score.py").write_text(
        "def init():\n    raise RuntimeError('no model here')\n\n\ndef run(d):\n    return d\n"
    )
    with pytest.raises(ScriptFailed, match=r"init\(\) of .*score.py failed: RuntimeError: no model here"):
        with open_script(tmp_path / "score.py"):
            pass


PARITY_CASES = [case for case in ("returns-dict", "schema-numpy-2d", "schema-pandas-records", "rawhttp-get-data",
                                  "amlresponse-404", "flask-jsonify", "returns-nan-and-infinity", "run-raises-value-error")
                if case in CASES and case not in SCORING_TIMEOUTS]  # fmt: skip


@pytest.mark.parametrize("case", PARITY_CASES)
def test_the_fixtures_answers_are_the_official_apps(case: str) -> None:
    """The same requests through the client and through the official Flask app: the same status, body and headers
    (those the server sets per request aside), as tests/test_parity.py proves for the gate."""
    sent = bodies(case)
    official = official_app.answer(script(case), sent, _environment(case))
    assert official.exit_code is None, official.log
    differences = []
    with open_script(script(case), timeout=30) as client:
        for body, theirs in zip(sent, official.answers, strict=True):
            ours = client.run(
                body.data, content_type=body.content_type, headers=dict(body.headers), method=body.method,
                path=body.target,
            )  # fmt: skip
            if (ours.status, ours.content) != (theirs.status, theirs.body):
                differences.append(
                    f"{body.source}: ours {ours.status} {ours.content[:80]!r}, {theirs.status} {theirs.body[:80]!r}"
                )
            elif comparable(ours.headers_tuple) != comparable(theirs.headers):
                differences.append(f"{body.source}: headers {ours.headers!r} / {theirs.headers!r}")
    assert differences == []


@pytest.mark.skipif(not (TEAM / "test_score.py").is_file(), reason="needs the checkout's examples")
def test_the_team_tests_example_passes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(TEAM)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "6 passed" in done.stdout


def test_the_documented_names_are_exported_and_typed() -> None:
    assert (REPO / "score_contract" / "py.typed").is_file()
    assert shutil.which("python")  # the package imports on the interpreter the suite runs on
