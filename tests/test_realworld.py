"""Verdicts on scripts written the way Azure ML users write them (tests/realworld/):
the official samples' idioms, AutoML-generated files, community projects.

Each broken script fails exactly the checks named for it, with a text that says why;
each correct one passes every check, including the ones written for the idioms that
gave false alarms before (timings, a caught KeyError that never reaches the answer).
One pytest session runs them all, as a user's CI would.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from score_contract.judging.checks import CHECKS
from tests.conftest import REPO, Outcomes, run_contract_session
from tests.test_contract_matrix import failure_section

REALWORLD = REPO / "tests" / "realworld"
SEED = "20261201"

#: script -> the checks it fails (every other check passes or is skipped for a stated reason).
BROKEN: dict[str, set[str]] = {
    "hidden_lost_import": {"run_does_not_hide_errors"},
    "hidden_model_not_loaded": {"run_does_not_hide_errors"},
    # AutoML v1 files declare a numpy @output_schema and return json.dumps of a dict: both are true.
    "hidden_json_dumps_error": {"run_does_not_hide_errors", "output_matches_schema"},
    "hidden_error_envelope": {"run_does_not_hide_errors"},
    "dropout_left_on": {"answers_are_repeatable"},
    "rawhttp_image_wrong_mode": {"run_accepts_valid_input"},
    "custom_parameter_type_dead_deserialize": {"run_accepts_valid_input"},
    "rawhttp_multipart_wrong_field": {"run_accepts_valid_input"},
    "state_leak": {"answers_are_repeatable"},
    "shadowed_utils_package": {"module_imports"},
    "automl_method_parameter": {"run_accepts_valid_input"},
    "lost_import_after_early_return": {"run_accepts_valid_input"},
}
#: script -> (check, text of the warning): no contract was declared, so what varying the
#: samples breaks is a warning with the crashing body, not a failure.
WARNED: dict[str, tuple[str, str]] = {
    "empty_batch_undecorated": (
        "run_accepts_valid_input",
        "found by varying your samples (no schema was given): ValueError: Expected 2D array, got 1D array instead",
    ),
    "first_row_only": (
        "run_accepts_valid_input",
        "found by varying your samples (no schema was given): IndexError: index 0 is out of bounds",
    ),
}
CORRECT = (
    "custom_parameter_type",
    "mlflow_style_no_sample",
    "rawhttp_image",
    "rawhttp_image_to_image",
    "rawhttp_multipart",
    "correct_undecorated_batch",
    "handled_cache_miss",
    "format_fallback",
    "validation_error_keys",
    "parse_fallback",
    "timing_top_level",
    "timing_in_json_string",
    "timestamp_and_request_id",
    "seconds_timestamp",
    "generated_timestamps",
    "sklearn_version_skew",
    "label_error_optional_torch",
    "multimodel_by_name",
)
#: Passes every check, with the advisory warning that run() seems to ignore its input.
BLIND = ("placeholder_answer",)
#: script -> an advisory warning it gets (it passes every check).
ADVISED: dict[str, str] = {
    "str_dict_answer": "run() returned str() of a dict: the client gets a Python repr in a JSON string",
    # EAFP: `except KeyError: threshold = DEFAULT`, noted beside the whole result.
    "threshold_default_noted": (
        "run() caught KeyError: 'threshold' and mentioned it in an answer that carries the whole result"
    ),
}


def run_realworld_session(junit: Path) -> Outcomes:
    args = [
        arg
        for name in (*BROKEN, *WARNED, *CORRECT, *BLIND, *ADVISED)
        for arg in ("--score", f"tests/realworld/{name}/score.py")
    ]
    args += ["--score-timeout", "2", f"--hypothesis-seed={SEED}", "--score-examples", "30"]
    return run_contract_session(args, junit)


def failed(outcomes: Outcomes, script: str) -> set[str]:
    return {name for (s, name), (outcome, _) in outcomes.outcomes.items() if s == script and outcome == "failure"}


@pytest.mark.parametrize("script", sorted(BROKEN))
def test_each_broken_script_fails_exactly_its_checks(realworld: Outcomes, script: str) -> None:
    assert failed(realworld, script) == BROKEN[script], realworld.output[-4000:]


@pytest.mark.parametrize("script", (*CORRECT, *WARNED, *BLIND, *ADVISED))
def test_no_correct_script_fails(realworld: Outcomes, script: str) -> None:
    outcomes = {name: outcome for (s, name), (outcome, _) in realworld.outcomes.items() if s == script}
    assert outcomes == {check.name: "passed" for check in CHECKS}, realworld.output[-4000:]


def warnings_of(outcomes: Outcomes, script: str) -> list[str]:
    """The ScoreContractWarning texts about one script, as pytest's warnings summary shows them."""
    found = re.findall(
        rf"^  \S*tests/realworld/{script}/score.py:\d+: ScoreContractWarning: (.*(?:\n    .*)*)",
        outcomes.output,
        re.MULTILINE,
    )
    return found


@pytest.mark.parametrize("script", sorted(WARNED))
def test_a_crash_found_by_varying_the_samples_is_a_warning_with_the_body(realworld: Outcomes, script: str) -> None:
    _, headline = WARNED[script]
    texts = [w for w in warnings_of(realworld, script) if w.startswith("found by varying")]
    assert len(texts) == 1, realworld.output[-4000:]
    assert texts[0].startswith(headline), texts[0]
    assert 'smallest failing body (a variation of your samples): {"data": []}' in texts[0]
    assert "or declare which bodies are valid (request.schema.json beside the script" in texts[0]
    assert (
        f"reproduce: score-contract replay tests/realworld/{script}/score.py --timeout 2 --body '{{\"data\": []}}'"
        in texts[0]
    )


@pytest.mark.parametrize("script", CORRECT)
def test_correct_scripts_get_no_finding(realworld: Outcomes, script: str) -> None:
    assert not [w for w in warnings_of(realworld, script) if w.startswith("found by varying")]


def test_a_placeholder_answer_to_every_body_is_a_warning(realworld: Outcomes) -> None:
    texts = [w for w in warnings_of(realworld, "placeholder_answer") if "seems to ignore its input" in w]
    assert len(texts) == 1, realworld.output[-4000:]
    assert re.match(r"run\(\) gave the same answer to all \d+ distinct valid bodies: it seems to", texts[0])
    assert 'the answer, every time: HTTP 200 {"predictions": [], "model_version": "1"}' in realworld.output


@pytest.mark.parametrize("script", sorted(ADVISED))
def test_an_advisory_finding_is_a_warning_that_says_what_it_is(realworld: Outcomes, script: str) -> None:
    assert any(w.startswith(ADVISED[script]) for w in warnings_of(realworld, script)), realworld.output[-4000:]


@pytest.mark.parametrize("script", (*CORRECT, *WARNED))
def test_scripts_that_answer_from_their_input_are_not_called_blind(realworld: Outcomes, script: str) -> None:
    assert not [w for w in warnings_of(realworld, script) if "seems to ignore its input" in w]


def section(outcomes: Outcomes, script: str, check: str) -> str:
    return failure_section(outcomes.output, f"tests/realworld/{script}/score.py::{check}")


def test_a_lost_import_hidden_in_a_200_shows_the_caught_traceback_and_the_answer(realworld: Outcomes) -> None:
    text = section(realworld, "hidden_lost_import", "run_does_not_hide_errors")
    assert text.startswith("run() caught NameError: name 'time' is not defined and answered 200 with it")
    assert """the answer: HTTP 200 {"error": "name 'time' is not defined"}""" in text
    assert "it carries the exception: its text at $.error" in text
    assert "score.py:17 in run\n          started = time.perf_counter()" in text
    assert "smallest failing body (" in text and "reproduce: score-contract replay" in text
    assert "edge of the contract" not in text  # every body fails: no edge is to blame


def test_a_model_that_init_failed_to_load_is_named_as_the_likely_cause(realworld: Outcomes) -> None:
    text = section(realworld, "hidden_model_not_loaded", "run_does_not_hide_errors")
    assert "run() caught AttributeError: 'NoneType' object has no attribute 'predict'" in text
    assert "likely cause: init() caught FileNotFoundError: [Errno 2] No such file or directory" in text
    assert "(score.py:17 in init) and went on" in text


def test_an_error_inside_a_json_string_is_found_too(realworld: Outcomes) -> None:
    text = section(realworld, "hidden_json_dumps_error", "run_does_not_hide_errors")
    assert "run() caught AttributeError: 'list' object has no attribute 'tolist'" in text
    assert "its text at $.error" in text


def test_an_error_envelope_is_found_at_the_smallest_body(realworld: Outcomes) -> None:
    text = section(realworld, "hidden_error_envelope", "run_does_not_hide_errors")
    assert text.startswith("run() caught ZeroDivisionError: division by zero and answered 200 with it")
    assert re.search(r"smallest failing body \([^)]*\): \{\"data\": \[\]\}", text), text


def test_a_local_package_hidden_by_the_servers_module_is_named_with_the_servers_file(realworld: Outcomes) -> None:
    text = section(realworld, "shadowed_utils_package", "module_imports")
    assert text.startswith("importing the script raised ModuleNotFoundError: No module named 'utils.text'")
    assert re.search(
        r"hint: your package utils/ \(in the app root\) is hidden by the server's own utils module"
        r" \(\S*azureml_inference_server_http/server/utils\.py\)",
        text,
    ), text
    assert "Rename yours (e.g. utils → score_utils), or move it into a package of your own" in text


def test_an_automl_failure_names_the_parameter_that_decided_not_the_frame_beside_it(realworld: Outcomes) -> None:
    text = section(realworld, "automl_method_parameter", "run_accepts_valid_input")
    assert text.startswith("Exception: Invalid predict method argument received. GlobalParameters: {'method':")
    assert re.search(
        r"decided by \$\.GlobalParameters\.method: (the same|a failing) body with \"predict\" there passes"
        r" \(as in the decorators' sample\); with \".*\", it fails\.",
        text,
    ), text
    assert "edge of the contract" not in text and "minItems" not in text


def test_a_failure_of_every_body_with_a_row_is_not_said_to_sit_on_an_edge(realworld: Outcomes) -> None:
    text = section(realworld, "lost_import_after_early_return", "run_accepts_valid_input")
    assert "edge of the contract" not in text and "minItems" not in text
    assert "decided by $.data: the same body with 0 items there passes" in text


def test_boundaries_alone_do_not_make_an_edge_of_a_failure_everywhere(tmp_path: Path) -> None:
    # Only the sample and the boundaries: each failing body sits on some edge (a single item, zeros, the most
    # items), none on one they all share, and "minItems": 2 would fix nothing (it was offered).
    script = "tests/realworld/lost_import_after_early_return/score.py"
    found = run_contract_session(["--score", script, "--score-examples", "0"], tmp_path / "junit.xml")
    text = failure_section(found.output, f"{script}::run_accepts_valid_input")
    assert text.startswith("NameError: name 'time' is not defined"), found.output[-3000:]
    assert "edge of the contract" not in text and "minItems" not in text


def test_nondeterminism_is_told_apart_from_state_that_leaks(realworld: Outcomes) -> None:
    dropout = section(realworld, "dropout_left_on", "answers_are_repeatable")
    assert dropout.startswith("the same body sent twice in a row got different answers: $.scores[")
    assert "run() is not deterministic" in dropout
    leak = section(realworld, "state_leak", "answers_are_repeatable")
    assert leak.startswith("the same body got a different answer the second time: $.average_so_far:")


def test_timings_and_ids_are_named_in_a_note_not_failed(realworld: Outcomes) -> None:
    output = realworld.output
    assert "not compared, they change by themselves (times, durations or ids by their key or value): $.time_in_sec" in (
        output
    )
    # Inside the JSON string run() built with json.dumps, the path goes on into it.
    assert "$.time_in_sec[0]" in output
    assert "$.meta.requestId, $.meta.scored_at" in output


def test_clock_readings_in_other_formats_than_iso_are_noted_not_failed(realworld: Outcomes) -> None:
    # "produced" changes at every call (microseconds); "generated" (ctime) and "served" (RFC 2822) when a
    # repeat crosses a second, which failed one run in a few before dateutil read them.
    notes = [w for w in warnings_of(realworld, "generated_timestamps") if w.startswith("not compared")]
    assert len(notes) == 1 and "$.produced" in notes[0], realworld.output[-4000:]


def test_a_model_pickled_with_another_scikit_learn_is_a_warning_naming_both_versions(realworld: Outcomes) -> None:
    sklearn = pytest.importorskip("sklearn")
    if sklearn.__version__ == "1.3.2":
        pytest.skip("the model was saved with this very version")
    texts = [w for w in warnings_of(realworld, "sklearn_version_skew") if w.startswith("the model was saved")]
    assert len(texts) == 1, realworld.output[-4000:]
    assert texts[0].startswith(
        f"the model was saved with scikit-learn 1.3.2 and is loaded with scikit-learn {sklearn.__version__}"
        " (LinearRegression, loaded at score.py:17 in init): scikit-learn warned while init() ran that this"
        ' "might lead to breaking code or invalid results".'
    )
    assert f"(scikit-learn==1.3.2), or save the model again with scikit-learn {sklearn.__version__}." in (
        realworld.output
    )


def test_the_summary_says_what_each_script_was_sent(realworld: Outcomes) -> None:
    assert "score-contract: bodies sent" in realworld.output
    line = next(
        line
        for line in realworld.output.splitlines()
        if line.startswith("tests/realworld/hidden_lost_import/score.py: ")
    )
    assert re.fullmatch(
        r"tests/realworld/hidden_lost_import/score.py: 1 sample, \d+ variations of the samples, \d+ invalid,"
        r" \d+ sent again",
        line,
    ), line


def test_an_image_sample_is_sent_as_it_is_and_replayed_from_its_file(realworld: Outcomes) -> None:
    text = section(realworld, "rawhttp_image_wrong_mode", "run_accepts_valid_input")
    assert (
        "smallest failing body (tests/realworld/rawhttp_image_wrong_mode/samples/cat.png): 73 bytes of image/png"
        in text
    )
    command = "score-contract replay tests/realworld/rawhttp_image_wrong_mode/score.py --timeout 2 --body-file"
    assert f"reproduce: {command} tests/realworld/rawhttp_image_wrong_mode/samples/cat.png" in text


def test_a_multipart_upload_from_a_http_file_is_sent_and_replayed_from_it(realworld: Outcomes) -> None:
    text = section(realworld, "rawhttp_multipart_wrong_field", "run_accepts_valid_input")
    assert (
        "samples/upload.http#1): POST /score?threshold=0.7; X-Client: mobile-app; 227 bytes of multipart/form-data"
        in (text)
    )
    reproduce = re.search(r"reproduce: (.*)", text)
    assert reproduce is not None
    assert "--request 'tests/realworld/rawhttp_multipart_wrong_field/samples/upload.http#1'" in reproduce.group(1)
    words = shlex.split(reproduce.group(1))
    done = subprocess.run(
        [sys.executable, "-m", "score_contract_cli", *words[1:]], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "HTTP 500" in done.stdout and 'files = [req.files["image"]]' in done.stdout


def test_the_file_a_http_sample_uploads_is_not_a_sample_of_its_own(realworld: Outcomes) -> None:
    prefix = "tests/realworld/rawhttp_multipart/score.py: "
    line = next(text for text in realworld.output.splitlines() if text.startswith(prefix))
    assert line.startswith("tests/realworld/rawhttp_multipart/score.py: 1 sample,"), line


@pytest.mark.parametrize(
    ("script", "kind"),
    [("custom_parameter_type", "MyParameterType"), ("mlflow_style_no_sample", "NoSampleParameterType")],
)
def test_a_parameter_type_we_cannot_read_gets_only_known_values_and_says_so(
    realworld: Outcomes, script: str, kind: str
) -> None:
    assert any(
        w.startswith(f"{kind} is a parameter type score-contract cannot read: no values were generated for it")
        for w in warnings_of(realworld, script)
    ), realworld.output[-3000:]


def test_paths_exist() -> None:
    for name in (*BROKEN, *WARNED, *CORRECT, *BLIND, *ADVISED):
        assert Path(REALWORLD, name, "score.py").is_file(), name
