"""The pytest front-end as a user sees it: what is collected, node ids, options,
ini keys, exit codes, -k / --lf / -x / --junitxml, and usage errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from score_contract.judging.checks import CHECKS

CHECK_NAMES = [c.name for c in CHECKS]


def test_score_collects_one_item_per_check_named_as_a_sentence(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("good")
    result = pytester.runpytest("--score", "good/score.py", "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK
    assert result.outlines[: len(CHECKS)] == [f"good/score.py::{name}" for name in CHECK_NAMES]


def test_score_alone_runs_the_contract_only(pytester: pytest.Pytester, copy_script: Callable[..., Path]) -> None:
    copy_script("good")
    pytester.makepyfile(test_other="def test_other():\n    assert False\n")
    result = pytester.runpytest("--score", "good/score.py")
    result.assert_outcomes(passed=len(CHECKS))


def test_score_with_test_paths_runs_both(pytester: pytest.Pytester, copy_script: Callable[..., Path]) -> None:
    copy_script("good")
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    result = pytester.runpytest("test_other.py", "--score", "good/score.py")
    result.assert_outcomes(passed=len(CHECKS) + 1)


def test_a_script_inside_the_test_paths_is_checked_once(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("good", to="tests/good")
    pytester.makepyfile(**{"tests/test_other": "def test_other():\n    pass\n"})
    result = pytester.runpytest("tests", "--score", "tests/good/score.py")
    result.assert_outcomes(passed=len(CHECKS) + 1)


def test_scripts_listed_in_the_ini_file_are_checked_beside_the_tests(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("init_needs_model_dir", to="app")
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    pytester.makeini("[pytest]\nscore_paths = app/score.py\nscore_model_dir = app/model\nscore_timeout = 2\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=len(CHECKS) + 1)


def test_the_command_line_beats_the_ini_file(pytester: pytest.Pytester, copy_script: Callable[..., Path]) -> None:
    copy_script("init_needs_model_dir", to="app")
    pytester.makeini("[pytest]\nscore_paths = app/score.py\nscore_model_dir = nowhere\n")
    result = pytester.runpytest("--score-model-dir", "app/model")
    result.assert_outcomes(passed=len(CHECKS))


def test_a_scoring_script_is_never_imported_into_the_test_session(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("good")
    (pytester.path / "good" / "score.py").write_text(
        "import os\nopen('imported-by', 'a').write(f'{os.getpid()}\\n')\n"
        + (pytester.path / "good" / "score.py").read_text()
    )
    result = pytester.runpytest("--score", "good/score.py")
    result.assert_outcomes(passed=len(CHECKS))
    import os

    pids = (pytester.path / "good" / "imported-by").read_text().split()
    assert pids and str(os.getpid()) not in pids


def test_keyword_selection_runs_only_the_chosen_check(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("nan_output")
    result = pytester.runpytest("--score", "nan_output/score.py", "-k", "strict_json")
    result.assert_outcomes(failed=1, deselected=len(CHECKS) - 1)


def test_last_failed_reruns_only_what_failed(pytester: pytest.Pytester, copy_script: Callable[..., Path]) -> None:
    copy_script("nan_output")
    copy_script("good")
    args = ["-p", "cacheprovider", "--score", "nan_output/score.py", "--score", "good/score.py"]
    pytester.runpytest(*args).assert_outcomes(failed=1, passed=2 * len(CHECKS) - 1)
    result = pytester.runpytest(*args, "--lf")
    outcomes = result.parseoutcomes()
    assert (outcomes.get("failed"), outcomes.get("passed")) == (1, None)
    result.stdout.fnmatch_lines(["FAILED nan_output/score.py::output_is_strict_json*"])


def test_exitfirst_stops_at_the_first_broken_contract(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("init_at_import")
    copy_script("good")
    result = pytester.runpytest("--score", "init_at_import/score.py", "--score", "good/score.py", "-x")
    result.assert_outcomes(failed=1, passed=2)


def test_the_junit_message_is_the_headline_and_the_text_is_the_whole_failure(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("numpy_output")
    result = pytester.runpytest("--score", "numpy_output/score.py", "--junitxml=junit.xml")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    failures = [
        case for case in ET.parse(pytester.path / "junit.xml").iter("testcase") if case.find("failure") is not None
    ]
    assert [case.get("name") for case in failures] == ["output_is_json_encodable"]
    failure = failures[0].find("failure")
    assert failure is not None
    assert failure.get("message") == "run() returned numpy.int64 at $.count, which the server cannot encode: HTTP 500"
    assert "TypeError: Object of type int64 is not JSON serializable" in (failure.text or "")
    assert "reproduce: score-contract replay numpy_output/score.py --body" in (failure.text or "")


def test_the_short_summary_carries_the_headline(pytester: pytest.Pytester, copy_script: Callable[..., Path]) -> None:
    copy_script("run_fails_on_empty_batch")
    result = pytester.runpytest("--score", "run_fails_on_empty_batch/score.py", "-rf", "-vv")
    result.stdout.fnmatch_lines(
        ["FAILED run_fails_on_empty_batch/score.py::run_accepts_valid_input - ZeroDivisionError: division by zero"]
    )


def test_the_report_header_shows_engine_server_and_schema_versions(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    from importlib.metadata import version

    copy_script("good")
    result = pytester.runpytest("--score", "good/score.py")
    result.stdout.fnmatch_lines(
        [
            f"score-contract {version('score-contract')}: azureml-inference-server-http"
            f" {version('azureml-inference-server-http')}, inference-schema {version('inference-schema')}",
            "scoring scripts: good/score.py",
        ]
    )


def test_without_score_the_plugin_stays_out_of_the_way(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "scoring scripts:" not in result.stdout.str()


def test_a_script_that_got_no_valid_body_fails_and_says_how_to_give_one(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    # A gate that tested nothing must not pass.
    copy_script("no_run", to="plain")
    (pytester.path / "plain" / "score.py").write_text("def init():\n    pass\n\n\ndef run(data):\n    return data\n")
    result = pytester.runpytest("--score", "plain/score.py", "-rfs")
    valid_body_checks = [c for c in CHECKS if c.phase == "call"]
    # The other valid-body checks, and answers_are_repeatable, point at it.
    result.assert_outcomes(failed=1, passed=len(CHECKS) - len(valid_body_checks) - 1, skipped=len(valid_body_checks))
    result.stdout.fnmatch_lines(
        [
            "*there was no request body to send: no samples, and no contract to generate bodies from.",
            "*Put sample bodies in a samples/ folder beside the script (or give --score-samples PATH): .json files,"
            " one body each, or .jsonl files, one body a line; or declare the valid bodies with a JSON Schema"
            " (request.schema.json beside the script, or --score-schema FILE) or @input_schema.",
            "FAILED plain/score.py::run_accepts_valid_input - run() was never called*",
        ]
    )


def test_samples_option_replaces_the_samples_folder(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("run_fails_on_empty_batch")
    pytester.path.joinpath("ok.jsonl").write_text('{"data": [[1]]}\n{"data": [[1, 2], [3]]}\n')
    result = pytester.runpytest("--score", "run_fails_on_empty_batch/score.py", "--score-samples", "ok.jsonl")
    result.assert_outcomes(passed=len(CHECKS))


# -- usage errors: one sentence naming the file, exit code 4, no traceback of ours --


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--score", "missing.py"], "ERROR: missing.py: no such scoring script."),
        (["--score", "good"], "ERROR: good: is a folder; give the scoring script itself, e.g. good/score.py."),
        (["--score", "good/score.py", "--score-model-dir", "nope"], "ERROR: nope: the model folder does not exist."),
        (
            ["--score", "good/score.py", "--score-timeout", "soon"],
            "ERROR: --score-timeout soon: not a number of seconds.",
        ),
        (
            ["--score", "good/score.py", "--score-timeout", "0"],
            "ERROR: --score-timeout 0: must be a positive number of seconds.",
        ),
        (
            ["--score", "good/score.py", "--score-samples", "none.json"],
            "ERROR: none.json: the samples path does not exist.",
        ),
        (
            ["--score", "good/score.py", "--score-samples", "bad.jsonl"],
            "ERROR: bad.jsonl: line 2 is not valid JSON (Expecting value, column 10).",
        ),
        (
            ["--score", "good/score.py", "--score-samples", "nan.json"],
            "ERROR: nan.json: line 1 is not valid JSON (NaN is not valid JSON).",
        ),
        (
            ["--score", "good/score.py", "--score-samples", "upload.http"],
            "ERROR: upload.http: line 4 includes ./cat.png, which does not exist.",
        ),
    ],
    ids=[
        "missing-script",
        "folder",
        "missing-model-dir",
        "bad-timeout",
        "zero-timeout",
        "missing-samples",
        "bad-jsonl-line",
        "nan-sample",
        "http-include-missing",
    ],
)
def test_bad_input_is_a_usage_error_naming_the_file(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], args: list[str], message: str
) -> None:
    copy_script("good")
    pytester.path.joinpath("bad.jsonl").write_text('{"data": [1]}\n{"data": }\n')
    pytester.path.joinpath("nan.json").write_text('{"data": NaN}')
    pytester.path.joinpath("upload.http").write_text("POST /score\nContent-Type: image/png\n\n< ./cat.png\n")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_a_broken_samples_folder_beside_the_script_is_a_usage_error(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("good")
    (pytester.path / "good" / "samples" / "broken.json").write_text('{"data": [1, 2')
    result = pytester.runpytest("--score", "good/score.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: good/samples/broken.json: line 1 is not valid JSON (*"])


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            '{"type": "strin"}',
            "ERROR: request.json: the schema is invalid: 'strin' is not valid under any of the given schemas at $.type.",
        ),
        (
            '{"type" "object"}',
            "ERROR: request.json: line 1 is not valid JSON (Expecting ':' delimiter, column 9).",
        ),
        (
            '{"type": "integer", "minimum": 3, "maximum": 2}',
            "ERROR: request.json: no request body can satisfy this schema.",
        ),
        (
            '{"type": "object", "required": ["rows"]}',
            "ERROR: good/samples/batch.json: the sample does not satisfy request.json at $: 'rows' is a required property.",
        ),
    ],
    ids=["invalid-schema", "not-json", "unsatisfiable", "sample-outside-the-schema"],
)
def test_a_bad_request_schema_is_a_usage_error_naming_the_file(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], schema: str, message: str
) -> None:
    copy_script("good")
    if "rows" not in schema:
        for sample in (pytester.path / "good" / "samples").iterdir():
            sample.unlink()
        (pytester.path / "good" / "samples").rmdir()
    (pytester.path / "request.json").write_text(schema)
    result = pytester.runpytest("--score", "good/score.py", "--score-schema", "request.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_schema_files_beside_the_script_are_its_contract(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("good")
    (pytester.path / "good" / "request.schema.json").write_text(
        '{"type": "object", "required": ["data"], "properties": {"data": {"type": "array", "maxItems": 3,'
        ' "items": {"type": "array", "maxItems": 2, "items": {"type": "number", "minimum": -10, "maximum": 10}}}}}'
    )
    (pytester.path / "good" / "response.schema.json").write_text(
        '{"type": "object", "required": ["predictions", "confidence"]}'
    )
    result = pytester.runpytest("--score", "good/score.py", "--hypothesis-seed=3", "-rf", "-vv")
    result.assert_outcomes(failed=1, passed=len(CHECKS) - 1)
    result.stdout.fnmatch_lines(
        ["FAILED good/score.py::output_matches_schema - the response body does not match the output schema:*"]
    )


MEAN_SCRIPT = """import json


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"mean": sum(rows) / len(rows)}
"""


def _mean_script(pytester: pytest.Pytester) -> None:
    (pytester.path / "mean").mkdir()
    (pytester.path / "mean" / "score.py").write_text(MEAN_SCRIPT)
    (pytester.path / "mean" / "samples").mkdir()
    (pytester.path / "mean" / "samples" / "a.json").write_text('{"data": [1, 2]}')


def test_a_warning_is_a_clean_failure_of_its_check_under_w_error(pytester: pytest.Pytester) -> None:
    _mean_script(pytester)
    result = pytester.runpytest("--score", "mean/score.py", "-W", "error::pytest_score_contract.ScoreContractWarning")
    result.assert_outcomes(failed=1, passed=len(CHECKS) - 1)
    result.stdout.fnmatch_lines(
        [
            "found by varying your samples (no schema was given): ZeroDivisionError: division by zero",
            '  smallest failing body (a variation of your samples): {"data": []}',
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*pytest_score_contract/__init__.py*")
    result.stdout.no_fnmatch_line("*PytestAssertRewriteWarning*")


def test_warnings_reach_the_junit_file_as_properties(pytester: pytest.Pytester) -> None:
    import xml.etree.ElementTree as ET

    _mean_script(pytester)
    result = pytester.runpytest("--score", "mean/score.py", "--junitxml=report.xml")
    result.assert_outcomes(passed=len(CHECKS))
    case = next(
        c for c in ET.parse(pytester.path / "report.xml").iter("testcase") if c.get("name") == "run_accepts_valid_input"
    )
    values = [p.get("value", "") for p in case.iter("property") if p.get("name") == "score-contract warning"]
    assert any(v.startswith("found by varying your samples") for v in values), values
    assert any(v.startswith("no contract was declared") for v in values), values


def test_an_app_root_that_does_not_hold_the_script_is_accepted_as_the_server_does(pytester: pytest.Pytester) -> None:
    # The server joins the app root with the script's path: an absolute path stays as it is.
    (pytester.path / "app").mkdir()
    (pytester.path / "app" / "labels.txt").write_text("cat,dog")
    (pytester.path / "src" / "samples").mkdir(parents=True)
    (pytester.path / "src" / "samples" / "a.json").write_text('{"index": 1}')
    (pytester.path / "src" / "score.py").write_text(
        "import json\n\n\ndef init():\n    global labels\n    labels = open('labels.txt').read().split(',')\n\n\n"
        "def run(raw_data):\n    return {'label': labels[json.loads(raw_data)['index'] % 2]}\n"
    )
    result = pytester.runpytest("--score", "src/score.py", "--score-app-root", "app")
    result.assert_outcomes(passed=len(CHECKS))


def test_a_script_that_needs_azureml_model_dir_is_told_which_option_sets_it(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("init_needs_model_dir")
    result = pytester.runpytest("--score", "init_needs_model_dir/score.py")
    result.stdout.fnmatch_lines(
        [
            "*hint: AZUREML_MODEL_DIR is not set: the server sets it to the model's folder (its --model_dir)."
            " Give the folder with --score-model-dir DIR.",
        ]
    )


def test_what_the_script_printed_during_the_failing_call_is_a_captured_section(pytester: pytest.Pytester) -> None:
    (pytester.path / "chatty" / "samples").mkdir(parents=True)
    (pytester.path / "chatty" / "samples" / "a.json").write_text('{"data": []}')
    (pytester.path / "chatty" / "score.py").write_text(
        "import json, logging\n\n\ndef init():\n    print('init done')\n\n\n"
        "def run(raw):\n    rows = json.loads(raw)['data']\n    print(f'scoring {len(rows)} rows')\n"
        "    logging.warning('about to divide')\n    return {'mean': sum(rows) / len(rows)}\n"
    )
    result = pytester.runpytest("--score", "chatty/score.py")
    result.stdout.fnmatch_lines(
        ["*- Captured stdout and stderr of score.py call -*", "scoring 0 rows", "WARNING:root:about to divide"]
    )
    result.stdout.no_fnmatch_line("init done")  # printed at boot, not during the failing call


#: Every ini key the plugin reads, with a value it refuses (score_volatile_keys takes any text):
#: (the line in pyproject.toml, the message).
BAD_INI_VALUES = [
    ('score_timeout = "abc"', "score_timeout = abc in pyproject.toml: not a number of seconds."),
    ('score_init_timeout = "0"', "score_init_timeout = 0 in pyproject.toml: must be a positive number of seconds."),
    ('score_examples = "many"', "score_examples = many in pyproject.toml: not a whole number."),
    (
        'score_server_workers = "0"',
        "score_server_workers = 0 in pyproject.toml: the server needs at least 1 worker.",
    ),
    (
        'score_server = "yes please"',
        "score_server in pyproject.toml: invalid truth value 'yes please' (write true or false).",
    ),
    (
        'score_model_dir = "nowhere"',
        "score_model_dir = nowhere in pyproject.toml: the model folder does not exist.",
    ),
    (
        'score_app_root = "good/score.py"',
        "score_app_root = good/score.py in pyproject.toml: the app root is not a folder.",
    ),
    (
        'score_samples = "none.json"',
        "score_samples = none.json in pyproject.toml: the samples path does not exist.",
    ),
    (
        'score_schema = "none.json"',
        "score_schema = none.json in pyproject.toml: the request schema does not exist.",
    ),
    (
        'score_output_schema = "good"',
        "score_output_schema = good in pyproject.toml: the output schema is a folder, not a file.",
    ),
    (
        'score_paths = ["missing/score.py"]',
        "missing/score.py (score_paths in pyproject.toml): no such scoring script.",
    ),
]


@pytest.mark.parametrize(("line", "message"), BAD_INI_VALUES, ids=[line.split(" ")[0] for line, _ in BAD_INI_VALUES])
def test_a_bad_ini_value_names_its_key_and_its_file(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], line: str, message: str
) -> None:
    copy_script("good")
    scripts = "" if line.startswith("score_paths") else 'score_paths = ["good/score.py"]\n'
    pytester.makepyprojecttoml(f"[tool.pytest.ini_options]\n{scripts}{line}\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()
    assert "--score" not in result.stderr.str()


@pytest.mark.parametrize("name", ["pytest.ini", "tox.ini", "setup.cfg"])
def test_a_bad_value_in_any_ini_file_names_that_file(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], name: str
) -> None:
    copy_script("good")
    section = "[pytest]" if name != "setup.cfg" else "[tool:pytest]"
    (pytester.path / name).write_text(f"{section}\nscore_paths = good/score.py\nscore_timeout = soon\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: score_timeout = soon in {name}: not a number of seconds."])


def test_a_bad_override_of_an_ini_value_names_the_override(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("good")
    pytester.makeini("[pytest]\nscore_paths = good/score.py\n")
    result = pytester.runpytest("-o", "score_timeout=soon")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: -o score_timeout=soon: not a number of seconds."])


@pytest.mark.parametrize("count", ["-1", "0"])
def test_a_worker_count_below_one_is_one_mistake_with_one_message(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], count: str
) -> None:
    copy_script("good")
    result = pytester.runpytest("--score", "good/score.py", "--score-server-workers", count)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: --score-server-workers {count}: the server needs at least 1 worker."])


# -- pytest's traceback styles (--tb) shape our failure sections too --

_EDGE_NOTE = "*found only at an edge of the contract*"


def _failing(pytester: pytest.Pytester, copy_script: Callable[..., Path], *args: str) -> pytest.RunResult:
    copy_script("run_fails_on_empty_batch")
    result = pytester.runpytest("--score", "run_fails_on_empty_batch/score.py", "-k", "run_accepts", *args)
    result.assert_outcomes(failed=1, deselected=len(CHECKS) - 1)
    return result


def test_tb_long_shows_the_whole_failure(pytester: pytest.Pytester, copy_script: Callable[..., Path]) -> None:
    result = _failing(pytester, copy_script, "--tb=long")
    result.stdout.fnmatch_lines(["ZeroDivisionError: division by zero", "  contract: *", "  smallest failing body *"])
    result.stdout.fnmatch_lines(["  score.py:11 in run", _EDGE_NOTE, "  reproduce: score-contract replay *"])


def test_tb_short_shows_the_headline_the_body_and_the_reproduce_line(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    result = _failing(pytester, copy_script, "--tb=short")
    result.stdout.fnmatch_lines(
        [
            "*_ run_accepts_valid_input (run_fails_on_empty_batch/score.py) _*",
            "ZeroDivisionError: division by zero",
            '  smallest failing body (run_fails_on_empty_batch/samples/empty.json): {"data": []}',
            "  reproduce: score-contract replay run_fails_on_empty_batch/score.py --body '{\"data\": []}'",
        ],
        consecutive=True,
    )
    for detail in ("  contract: *", "  score.py:11 in run", _EDGE_NOTE):
        result.stdout.no_fnmatch_line(detail)


def test_tb_line_shows_one_line_the_headline_where_the_script_failed(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    result = _failing(pytester, copy_script, "--tb=line", "--junitxml=junit.xml")
    result.stdout.fnmatch_lines(
        ["*= FAILURES =*", "run_fails_on_empty_batch/score.py:11: ZeroDivisionError: division by zero", "*"],
        consecutive=True,
    )
    for detail in ("*smallest failing body*", "*reproduce:*", "  contract: *"):
        result.stdout.no_fnmatch_line(detail)
    failure = next(ET.parse(pytester.path / "junit.xml").iter("failure"))
    assert failure.get("message") == "ZeroDivisionError: division by zero"


def test_tb_no_shows_no_failure_section_and_the_junit_text_follows(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    result = _failing(pytester, copy_script, "--tb=no", "-rf", "--junitxml=junit.xml")
    result.stdout.no_fnmatch_line("*FAILURES*")
    result.stdout.no_fnmatch_line("*smallest failing body*")
    result.stdout.fnmatch_lines(["FAILED run_fails_on_empty_batch/score.py::run_accepts_valid_input*"])
    # As for pytest's own tests, the JUnit text is what the style shows: one line.
    failure = next(ET.parse(pytester.path / "junit.xml").iter("failure"))
    assert failure.get("message") == "ZeroDivisionError: division by zero"
    assert failure.text == "run_fails_on_empty_batch/score.py:11: ZeroDivisionError: division by zero"
