"""Every check, judged on real scripts: each has correct scripts that pass it and
broken ones that fail it, and one session survives scripts that exit, segfault or hang."""

from __future__ import annotations

import re

import pytest

from score_contract.judging.checks import CHECKS
from tests.conftest import Outcomes

ALL_CHECKS = [c.name for c in CHECKS]
LIFECYCLE = ["module_imports", "defines_init_and_run", "import_does_not_call_init"]
CALL_CHECKS = [c.name for c in CHECKS if c.phase == "call"]
AFTER_INIT = [c.name for c in CHECKS if c.phase in ("call", "invalid", "repeat", "session")]

#: script -> (the checks that fail, the checks that are skipped); all others pass.
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "good": (set(), set()),
    "run_with_headers": (set(), set()),
    "init_under_main": (set(), set()),
    "init_needs_model_dir": (set(), set()),
    "response_200": (set(), set()),
    "numpy_output_converted": (set(), set()),
    "nan_replaced": (set(), set()),
    "lazy_init_guard": (set(), set()),
    "double_encoded": (set(), set()),  # advisory: a warning, not a failure
    "schema_rejects_sample": (set(), set()),  # a refused sample is a warning, not the script's fault
    "shadowed_config": ({"module_imports"}, set(ALL_CHECKS) - {"module_imports"}),
    "import_error": ({"module_imports"}, set(ALL_CHECKS) - {"module_imports"}),
    "syntax_error": ({"module_imports"}, set(ALL_CHECKS) - {"module_imports"}),
    **{
        name: ({"defines_init_and_run"}, set(ALL_CHECKS) - set(LIFECYCLE))
        for name in ("no_run", "no_init", "run_varargs", "run_kwargs", "run_only_headers", "rawhttp_and_schema")
    },
    "init_at_import": ({"import_does_not_call_init"}, set()),
    **{name: ({"init_succeeds"}, set(AFTER_INIT)) for name in ("init_raises", "init_hangs", "init_segfaults")},
    "run_fails_on_empty_batch": ({"run_accepts_valid_input"}, set()),
    "run_hangs": ({"run_accepts_valid_input"}, set()),
    "run_exits": ({"run_accepts_valid_input"}, set()),
    # They do it on every body, invalid ones included, so nothing can be sent again.
    **{
        name: (
            {"run_accepts_valid_input", "run_handles_invalid_input"},
            {*CALL_CHECKS, "answers_are_repeatable"} - {"run_accepts_valid_input"},
        )
        for name in ("run_segfaults", "run_sys_exit")
    },
    "response_404": ({"response_status_is_2xx"}, set()),
    "numpy_output": ({"output_is_json_encodable"}, set()),
    "nan_output": ({"output_is_strict_json"}, set()),
    "init_twice": ({"init_runs_once"}, set()),
}


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_each_check_holds_or_breaks_as_expected(matrix: Outcomes, script: str) -> None:
    failing, skipped = EXPECTED[script]
    seen = {check: matrix.outcomes[(script, check)][0] for check in ALL_CHECKS}
    expected = {
        check: "failure" if check in failing else "skipped" if check in skipped else "passed" for check in ALL_CHECKS
    }
    assert seen == expected


def test_the_session_survives_crashing_and_hanging_scripts(matrix: Outcomes) -> None:
    assert matrix.returncode == 1
    assert len(matrix.outcomes) == len(EXPECTED) * len(CHECKS)
    assert "internal error" not in matrix.output.lower()


def failure_section(output: str, nodeid: str) -> str:
    """The text pytest printed for one failed item, up to the next item's header."""
    path, check = nodeid.split("::")
    start = output.index(f" {check} ({path}) _")
    start = output.index("\n", start) + 1
    following = re.search(r"^_{3,} .* _{3,}$|^=+ ", output[start:], re.MULTILINE)
    return output[start : start + following.start()] if following else output[start:]


def test_a_failure_shows_the_smallest_failing_body_and_how_to_reproduce_it(matrix: Outcomes) -> None:
    section = failure_section(matrix.output, "tests/scripts/run_fails_on_empty_batch/score.py::run_accepts_valid_input")
    lines = section.splitlines()
    assert lines[0] == "ZeroDivisionError: division by zero"
    assert lines[1].startswith("  contract: run() returns for every valid request body")
    assert lines[2] == (
        '  smallest failing body (tests/scripts/run_fails_on_empty_batch/samples/empty.json): {"data": []}'
    )
    assert lines[3:6] == [
        "  score.py:11 in run",
        '      return {"scores": scores, "mean": sum(scores) / len(scores)}',
        "  ZeroDivisionError: division by zero",
    ]
    # Other bodies passed: the failure is confined to an edge of the contract, which it names.
    assert lines[6] == "  found only at an edge of the contract: an empty list at $.data."
    assert lines[7].startswith("  The contract allows this body, so a client may send it.")
    assert lines[8].startswith("  reproduce: score-contract replay tests/scripts/run_fails_on_empty_batch/score.py")
    assert lines[8].endswith("""--body '{"data": []}'""")
    assert "score_contract" not in section.replace("score-contract replay", "")


@pytest.mark.parametrize(
    ("script", "check", "headline"),
    [
        ("run_fails_on_empty_batch", "run_accepts_valid_input", "ZeroDivisionError: division by zero"),
        ("run_hangs", "run_accepts_valid_input", "run() did not return within the 1 s timeout"),
        ("run_exits", "run_accepts_valid_input", "run() ended the worker process: it exited with code 1"),
        ("run_segfaults", "run_accepts_valid_input", "run() ended the worker process: it was killed by SIGSEGV"),
        ("init_segfaults", "init_succeeds", "init() ended the worker process: it was killed by SIGSEGV"),
        ("init_hangs", "init_succeeds", "init() did not return within 3 s"),
        (
            "init_raises",
            "init_succeeds",
            "init() raised FileNotFoundError: [Errno 2] No such file or directory: '/Users/alice/models/model.pkl'",
        ),
        (
            "numpy_output",
            "output_is_json_encodable",
            "run() returned numpy.int64 at $.count, which the server cannot encode: HTTP 500",
        ),
        ("nan_output", "output_is_strict_json", "the response body is not strict JSON: NaN at $.mean"),
        ("response_404", "response_status_is_2xx", "run() answered a valid request with HTTP 404"),
        ("init_twice", "init_runs_once", "run() called init() once more while handling a request"),
        (
            "init_at_import",
            "import_does_not_call_init",
            "importing the script called init() once; the server calls it again after the import",
        ),
        ("syntax_error", "module_imports", "importing the script raised SyntaxError: expected ':' (score.py, line 5)"),
        ("no_run", "defines_init_and_run", "does not have a run() function defined."),
        ("shadowed_config", "module_imports", "ImportError: attempted relative import with no known parent package"),
    ],
)
def test_the_headline_says_what_broke(matrix: Outcomes, script: str, check: str, headline: str) -> None:
    outcome, message = matrix.outcomes[(script, check)]
    assert outcome == "failure"
    assert headline in message


def test_advisories_and_refused_samples_are_warnings_on_the_scripts_run(matrix: Outcomes) -> None:
    # They point at `def run` (its first decorator), and quote it.
    assert (
        "tests/scripts/double_encoded/score.py:8: ScoreContractWarning:"
        " run() returned a JSON string; the server encodes it again (double encoding)"
    ) in matrix.output
    assert (
        "tests/scripts/schema_rejects_sample/score.py:11: ScoreContractWarning:"
        " tests/scripts/schema_rejects_sample/samples/three_columns.json was refused before run() saw it:"
        " ValueError: Invalid input array: array has size 3 on dimension #1, while expected value is 2"
    ) in matrix.output


def test_a_user_module_shadowed_by_the_servers_gets_a_hint(matrix: Outcomes) -> None:
    section = failure_section(matrix.output, "tests/scripts/shadowed_config/score.py::module_imports")
    assert "hint: your module config.py (in the app root) is hidden by the server's own config module (" in section
    assert "azureml_inference_server_http/server/config.py)" in section and "Rename yours" in section
