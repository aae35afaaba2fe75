"""Each check judged on literal observations: no process, no pytest, no I/O."""

from __future__ import annotations

import json

import pytest

from score_contract.core.observations import (
    Body,
    Call,
    Caught,
    Death,
    Evidence,
    HttpResponse,
    ImportResult,
    InitResult,
    ScriptError,
)
from score_contract.judging import checks
from score_contract.judging.checks import CHECKS

BODY = Body.from_json({"data": [1]})
JSON = (("Content-Type", "application/json"),)


def ok(body: bytes) -> HttpResponse:
    return HttpResponse(200, JSON, body)


def error(summary: str = "ValueError: boom") -> ScriptError:
    type_name, message = summary.split(": ", 1)
    return ScriptError(type_name, message, f"score.py:3 in run\n    boom()\n{summary}", "score.py:3 in run")


def test_every_check_has_a_contract_sentence_and_a_unique_sentence_name() -> None:
    names = [c.name for c in CHECKS]
    assert len(set(names)) == len(names)
    for check in CHECKS:
        assert check.sentence.endswith(".") and len(check.sentence) > 40, check.name
        assert check.name.islower() and " " not in check.name


def test_module_imports_reports_the_exception_with_the_scripts_traceback() -> None:
    violation = checks.module_imports(ImportResult(error=error("KeyError: 'x'")))
    assert violation is not None
    assert violation.headline == "importing the script raised KeyError: 'x'"
    assert "score.py:3 in run" in violation.details
    assert checks.module_imports(ImportResult()) is None


def test_module_imports_reports_a_dead_worker_with_its_last_output() -> None:
    violation = checks.module_imports(ImportResult(death=Death(exit_code=5, last_output="loading\nbye")))
    assert violation is not None
    assert violation.headline == "importing the script ended the worker process: it exited with code 5"
    assert "    bye" in violation.details


def test_defines_init_and_run_passes_the_servers_message_through() -> None:
    message = "run() cannot accept positional-only arguments, *args, or **kwargs."
    violation = checks.defines_init_and_run(ImportResult(definition_problem=message))
    assert violation is not None and violation.headline == message
    assert checks.defines_init_and_run(ImportResult(mode="text")) is None


def test_import_does_not_call_init_counts_the_calls() -> None:
    violation = checks.import_does_not_call_init(ImportResult(init_calls=2))
    assert violation is not None and "called init() 2 times" in violation.headline
    assert checks.import_does_not_call_init(ImportResult(init_calls=0)) is None


def test_init_succeeds_distinguishes_raise_timeout_and_death() -> None:
    raised = checks.init_succeeds(InitResult(error=error("OSError: no model")))
    assert raised is not None and raised.headline == "init() raised OSError: no model"
    timed_out = checks.init_succeeds(InitResult(error=error("Timeout: x"), timed_out=True, elapsed=3.0))
    assert timed_out is not None and timed_out.headline == "init() did not return within 3 s"
    died = checks.init_succeeds(InitResult(death=Death(signal_name="SIGSEGV")))
    assert died is not None and died.headline == "init() ended the worker process: it was killed by SIGSEGV"
    assert "never becomes ready" in died.details
    exited = checks.init_succeeds(InitResult(death=Death(exit_code=3)))
    assert exited is not None and "shuts the whole server down" in exited.details
    assert checks.init_succeeds(InitResult()) is None


def test_run_accepts_valid_input_headlines_the_exception_itself() -> None:
    violation = checks.run_accepts_valid_input(Call(BODY, response=HttpResponse(500), error=error()))
    assert violation is not None
    assert violation.headline == "ValueError: boom"
    assert violation.body == BODY
    assert checks.run_accepts_valid_input(Call(BODY, response=ok(b"1"))) is None


def test_run_accepts_valid_input_reports_hangs_exits_and_escapes() -> None:
    hung = checks.run_accepts_valid_input(
        Call(BODY, error=error("Timeout: x"), timed_out=True, elapsed=5.0, timeout=5.0)
    )
    assert hung is not None and hung.headline == "run() did not return within the 5 s timeout"
    killed = checks.run_accepts_valid_input(Call(BODY, death=Death(hung_after=7.0)))
    assert (
        killed is not None
        and killed.headline == "run() ended the worker process: it stopped answering and was killed after 7 s"
    )
    escaped = checks.run_accepts_valid_input(Call(BODY, error=error("SystemExit: 0"), escaped=True))
    assert escaped is not None and "gunicorn answers a bare HTML 500" in escaped.headline


def test_a_timeout_headline_names_the_limit_and_when_a_late_run_returned() -> None:
    # A run() that swallowed the server's TimeoutError returns after the limit: the limit
    # is --score-timeout, not the time taken (issue 11).
    late = Call(BODY, response=ok(b"{}"), error=error("TimeoutError: "), timed_out=True, elapsed=0.00598, timeout=0.001)
    violation = checks.run_accepts_valid_input(late)
    assert violation is not None
    assert violation.headline == "run() did not return within the 0.001 s timeout (it returned after 0.00598 s)"
    invalid = checks.run_handles_invalid_input(late)
    assert invalid is not None
    assert invalid.headline == "an invalid body made run() hang past the 0.001 s timeout (it returned after 0.00598 s)"
    stopped = checks.run_handles_invalid_input(
        Call(BODY, error=error("Timeout: x"), timed_out=True, elapsed=2.0, timeout=2.0)
    )
    assert stopped is not None and stopped.headline == "an invalid body made run() hang past the 2 s timeout"


@pytest.mark.parametrize("status", [400, 404, 500, 503, 302])
def test_response_status_is_2xx_fails_a_response_of_runs_own_with_another_status(status: int) -> None:
    call = Call(BODY, response=HttpResponse(status, (), b"nope"), returned_response=True)
    violation = checks.response_status_is_2xx(call)
    assert violation is not None and violation.headline == f"run() answered a valid request with HTTP {status}"


@pytest.mark.parametrize("status", [200, 201, 204])
def test_response_status_is_2xx_passes_2xx(status: int) -> None:
    assert checks.response_status_is_2xx(Call(BODY, response=HttpResponse(status), returned_response=True)) is None


def test_response_status_is_2xx_leaves_the_servers_own_500s_to_other_checks() -> None:
    call = Call(BODY, response=HttpResponse(500), encode_error=error("TypeError: int64"), returned_type="numpy.int64")
    assert checks.response_status_is_2xx(call) is None
    violation = checks.output_is_json_encodable(call)
    assert violation is not None
    assert violation.headline == "run() returned numpy.int64, which the server cannot encode: HTTP 500"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{"a": NaN}', "NaN at $.a"),
        (b'[1, {"b": [0, Infinity]}]', "Infinity at $[1].b[1]"),
        (b"-Infinity", "-Infinity at $"),
    ],
)
def test_output_is_strict_json_names_the_token_and_its_path(body: bytes, where: str) -> None:
    violation = checks.output_is_strict_json(Call(BODY, response=ok(body)))
    assert violation is not None and violation.headline == f"the response body is not strict JSON: {where}"


@pytest.mark.parametrize("body", [b'{"a": null}', b'"NaN"', b'{"NaN": 1}', b"[]", b"1e308"])
def test_output_is_strict_json_passes_strict_json(body: bytes) -> None:
    assert checks.output_is_strict_json(Call(BODY, response=ok(body))) is None


def test_output_is_strict_json_ignores_responses_that_are_not_json() -> None:
    image = HttpResponse(200, (("Content-Type", "image/png"),), b"NaN\x89PNG")
    assert checks.output_is_strict_json(Call(BODY, response=image, returned_response=True)) is None


@pytest.mark.parametrize(
    ("answer", "held"),
    [(b"\"{'prediction': [0], 'ok': True}\"", "dict"), (b"\"['cat', 'dog', None]\"", "list")],
)
def test_a_python_repr_of_a_dict_or_list_is_named_as_not_json(answer: bytes, held: str) -> None:
    violation = checks.output_is_not_double_encoded(Call(BODY, response=ok(answer)))
    assert violation is not None
    assert violation.headline.startswith(f"run() returned str() of a {held}: the client gets a Python repr")
    assert f"Return the {held} itself" in violation.details


@pytest.mark.parametrize(
    "answer",
    [
        b'{"prediction": [0]}',  # the dict itself
        b'"cat"',  # a label
        b'"[0 1]"',  # str() of a numpy array: not a literal either, and not this check's concern
        b'"{not a literal}"',
    ],
)
def test_data_or_a_plain_string_is_not_a_python_repr(answer: bytes) -> None:
    assert checks.output_is_not_double_encoded(Call(BODY, response=ok(answer))) is None


def test_a_response_object_with_repr_text_is_passed_through_as_it_is() -> None:
    text = HttpResponse(200, (("Content-Type", "text/plain"),), b"{'prediction': [0]}")
    assert checks.output_is_not_double_encoded(Call(BODY, response=text, returned_response=True)) is None


def test_output_is_not_double_encoded_is_advisory() -> None:
    assert checks.output_is_not_double_encoded(Call(BODY, response=ok(b'"{}"'), double_encoded=True)) is not None
    assert next(c for c in CHECKS if c.judge is checks.output_is_not_double_encoded).advisory


def test_init_runs_once_points_at_the_first_request_that_called_it() -> None:
    first, second = Body.from_json({"n": 1}), Body.from_json({"n": 2})
    evidence = Evidence(calls=(Call(first, response=ok(b"1")), Call(second, response=ok(b"1"), init_calls=1)))
    violation = checks.init_runs_once(evidence)
    assert violation is not None and violation.body == second
    assert violation.headline == "run() called init() once more while handling a request"
    assert checks.init_runs_once(Evidence(calls=(Call(first, response=ok(b"1")),))) is None


def test_a_response_object_the_server_cannot_send_says_what_the_client_gets() -> None:
    broken = error("ValueError: stream broke")
    cut = Call(BODY, response=HttpResponse(200, JSON, b"[1,"), encode_error=broken, returned_response=True)
    violation = checks.output_is_json_encodable(cut)
    assert violation is not None
    assert violation.headline == "run() returned a response the server cannot send: ValueError: stream broke"
    assert violation.details.startswith("the client gets HTTP 200 and a body that breaks off.")
    refused = Call(BODY, response=HttpResponse(500, (), b"<html>"), encode_error=broken, returned_response=True)
    violation = checks.output_is_json_encodable(refused)
    assert violation is not None and violation.details.startswith("the client gets gunicorn's HTML 500.")


# -- run_does_not_hide_errors ---------------------------------------------------

NAME_ERROR = ScriptError(
    "NameError",
    "name 'time' is not defined",
    "score.py:7 in run\n    started = time.time()\nNameError: name 'time' is not defined",
    "score.py:7 in run",
)
KEY_ERROR = ScriptError(
    "KeyError", "'plan:basic'", "score.py:9 in lookup\n    return cache[key]\nKeyError: 'plan:basic'"
)


def caught(error: ScriptError) -> tuple[Caught, ...]:
    return (Caught(error, error.location or "score.py:9 in lookup"),)


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (b'{"error": "name \'time\' is not defined"}', "its text at $.error"),
        (b"\"name 'time' is not defined\"", "its text at $"),
        (b'"{\\"error\\": \\"name \'time\' is not defined\\"}"', "its text at $.error"),  # json.dumps'd by run()
        (b'{"status": "failed", "detail": "NameError raised"}', "its class name NameError at $.detail"),
        (b'{"message": "scoring failed", "status": "error"}', "a 'message' key at $ holds"),
        (b'{"errors": ["row 1 could not be scored"]}', "an 'errors' key at $ holds"),
    ],
)
def test_an_answer_that_carries_the_exception_run_caught_is_a_hidden_error(answer: bytes, why: str) -> None:
    call = Call(BODY, response=ok(answer), caught=caught(NAME_ERROR))
    found = checks.run_does_not_hide_errors(call)
    assert found is not None
    assert found.headline == "run() caught NameError: name 'time' is not defined and answered 200 with it"
    assert why in found.details
    assert "caught in score.py:7 in run:\n    score.py:7 in run" in found.details
    assert found.body is BODY


@pytest.mark.parametrize(
    "answer",
    [
        b'{"churn": [0.6, 0.06]}',  # a cache miss that never reached the answer
        b'{"message": "ok", "predictions": [1, 0]}',  # a message next to a result
        b'{"errors": [], "predictions": [1]}',  # no error text
    ],
)
def test_an_exception_handled_without_reaching_the_answer_is_not_a_failure(answer: bytes) -> None:
    assert checks.run_does_not_hide_errors(Call(BODY, response=ok(answer), caught=caught(KEY_ERROR))) is None


def test_without_a_caught_exception_an_error_report_is_the_scripts_own_business() -> None:
    # A validation answer run() wrote itself, with no exception: not this check's concern.
    assert checks.run_does_not_hide_errors(Call(BODY, response=ok(b'{"error": "missing field: id"}'))) is None


def test_an_error_report_after_init_caught_something_names_init_as_the_likely_cause() -> None:
    init_error = ScriptError(
        "FileNotFoundError",
        "[Errno 2] No such file or directory: 'model.pkl'",
        "score.py:14 in init\n    open(path)\nFileNotFoundError: [Errno 2] No such file or directory: 'model.pkl'",
        "score.py:14 in init",
    )
    call = Call(
        BODY, response=ok(b'{"error": "model not loaded"}'), init_caught=(Caught(init_error, "score.py:14 in init"),)
    )
    found = checks.run_does_not_hide_errors(call)
    assert found is not None
    assert found.headline == (
        "run() answered 200 with an error report after init() caught FileNotFoundError:"
        " [Errno 2] No such file or directory: 'model.pkl'"
    )
    assert "likely cause: init() caught FileNotFoundError" in found.details


IMPORT_ERROR = ScriptError(
    "ModuleNotFoundError", "No module named 'torch'", "score.py:12 in init\n    import torch", "score.py:12 in init"
)
THRESHOLD_MISSING = ScriptError(
    "KeyError", "'threshold'", "score.py:20 in run\n    threshold = payload['threshold']", "score.py:20 in run"
)


def answered(value: object, caught_here: tuple[Caught, ...] = ()) -> Call:
    return Call(BODY, response=ok(json.dumps(value).encode()), caught=caught_here)


def test_a_class_label_that_reads_error_after_an_optional_import_fell_back_is_no_hidden_error() -> None:
    # init() caught ImportError for an optional torch and went on with numpy; run() caught nothing.
    optional = (Caught(IMPORT_ERROR, "score.py:12 in init"),)
    call = Call(BODY, response=ok(b'{"labels": ["error", "info"], "scores": [0.91, 0.77]}'), init_caught=optional)
    assert checks.run_does_not_hide_errors(call) is None
    bare = Call(BODY, response=ok(b'["error"]'), init_caught=optional)
    assert checks.run_does_not_hide_errors(bare) is None


def test_a_fallback_noted_beside_the_whole_result_is_only_a_warning() -> None:
    # EAFP: `except KeyError: threshold = DEFAULT`, and the answer says so beside the scores.
    plain = answered({"scores": [0.2, 0.9], "labels": [0, 1]})
    noted = answered(
        {"scores": [0.4], "labels": [0], "note": "no 'threshold' given: used 0.5"},
        caught(THRESHOLD_MISSING),
    )
    found = checks.run_does_not_hide_errors(noted, [plain, noted])
    assert found is not None and found.warning
    assert found.headline == (
        "run() caught KeyError: 'threshold' and mentioned it in an answer that carries the whole result"
    )
    assert "its text at $.note, beside what answers where nothing was caught hold ($.scores, $.labels)" in (
        found.details
    )


@pytest.mark.parametrize(
    "answer",
    [
        {"error": "'threshold'"},  # the result replaced by the exception
        {"scores": None, "labels": [0], "note": "KeyError: 'threshold'"},  # scores gone
        {"scores": [0.4], "labels": "KeyError 'threshold'"},  # the exception where the labels go
    ],
)
def test_an_answer_whose_shape_differs_from_the_results_is_a_hidden_error(answer: object) -> None:
    plain = answered({"scores": [0.2, 0.9], "labels": [0, 1]})
    hidden = answered(answer, caught(THRESHOLD_MISSING))
    found = checks.run_does_not_hide_errors(hidden, [plain, hidden])
    assert found is not None and not found.warning
    assert found.headline == "run() caught KeyError: 'threshold' and answered 200 with it"


def test_without_an_answer_where_nothing_was_caught_the_answer_is_judged_alone() -> None:
    every = answered({"scores": [0.4], "note": "KeyError: 'threshold'"}, caught(THRESHOLD_MISSING))
    found = checks.run_does_not_hide_errors(every, [every])
    assert found is not None and not found.warning


def test_a_non_2xx_answer_or_a_raised_error_is_left_to_the_other_checks() -> None:
    refused = HttpResponse(400, JSON, b'{"error": "name \'time\' is not defined"}')
    assert checks.run_does_not_hide_errors(Call(BODY, response=refused, caught=caught(NAME_ERROR))) is None
    raised = Call(BODY, response=ok(b"{}"), error=NAME_ERROR, caught=caught(NAME_ERROR))
    assert checks.run_does_not_hide_errors(raised) is None


def test_a_run_failure_names_what_init_caught_as_the_likely_cause() -> None:
    init_error = ScriptError(
        "OSError", "no model", "score.py:5 in init\n    load()\nOSError: no model", "score.py:5 in init"
    )
    call = Call(
        BODY,
        response=HttpResponse(500, JSON, b"{}"),
        error=error("AttributeError: 'NoneType' object has no attribute 'predict'"),
        init_caught=(Caught(init_error, "score.py:5 in init"),),
    )
    found = checks.run_accepts_valid_input(call)
    assert found is not None and "likely cause: init() caught OSError: no model (score.py:5 in init)" in found.details


def test_answers_twice_in_a_row_that_differ_read_as_nondeterminism() -> None:
    call = Call(BODY, response=ok(b"{}"), phase="repeat", changed="$.score: 0.25 → 0.75", back_to_back=True)
    found = checks.answers_are_repeatable(call)
    assert found is not None
    assert found.headline == "the same body sent twice in a row got different answers: $.score: 0.25 → 0.75"
    assert "run() is not deterministic" in found.details


def blind_evidence(answers: list[bytes], volatile: tuple[tuple[str, ...], ...] = ()) -> Evidence:
    calls = tuple(Call(Body.from_json({"data": [n]}), response=ok(answer)) for n, answer in enumerate(answers))
    return Evidence(calls=calls, volatile=volatile)


def test_one_answer_to_every_distinct_body_reads_as_run_ignoring_its_input() -> None:
    violation = checks.run_uses_its_input(blind_evidence([b'{"predictions": []}'] * checks.SAME_ANSWER_BODIES))
    assert violation is not None
    assert violation.headline == (
        f"run() gave the same answer to all {checks.SAME_ANSWER_BODIES} distinct valid bodies:"
        " it seems to ignore its input"
    )
    assert 'HTTP 200 {"predictions": []}' in violation.details
    assert next(c for c in CHECKS if c.judge is checks.run_uses_its_input).advisory


def test_answers_that_differ_or_too_few_bodies_are_not_called_blind() -> None:
    varied = [b'{"p": 1}'] * (checks.SAME_ANSWER_BODIES - 1) + [b'{"p": 2}']
    assert checks.run_uses_its_input(blind_evidence(varied)) is None
    assert checks.run_uses_its_input(blind_evidence([b'{"p": 1}'] * (checks.SAME_ANSWER_BODIES - 1))) is None
    # The same body sent many times is one body, not many.
    same = tuple(Call(BODY, response=ok(b"1")) for _ in range(20))
    assert checks.run_uses_its_input(Evidence(calls=same)) is None


def test_only_a_time_or_id_that_changes_still_reads_as_the_same_answer() -> None:
    timed = [b'{"p": 1, "elapsed_ms": %d}' % n for n in range(checks.SAME_ANSWER_BODIES)]
    assert checks.run_uses_its_input(blind_evidence(timed)) is not None
    counted = [b'{"p": 1, "count": %d}' % n for n in range(checks.SAME_ANSWER_BODIES)]
    assert checks.run_uses_its_input(blind_evidence(counted)) is None
    assert checks.run_uses_its_input(blind_evidence(counted, volatile=(("count",),))) is not None


def test_bodies_that_hold_the_same_values_in_other_shapes_are_not_evidence_of_blindness() -> None:
    # Varied from one multi-model sample: the same numbers written 5 or 5.0, keys in another order, the same
    # rows once or twice. A model that reads them answers alike; nothing says run() ignores its input.
    texts = [
        b'{"model": "iris", "data": {"sepal": {"0": 5, "1": 6.5}}, "rows": [[1, 2]]}',
        b'{"model": "iris", "data": {"sepal": {"0": 5.0, "1": 6.5}}, "rows": [[1, 2]]}',
        b'{"data": {"sepal": {"1": 6.5, "0": 5}}, "model": "iris", "rows": [[1, 2]]}',
        b'{"model": "iris", "data": {"sepal": {"0": 5, "1": 6.50}}, "rows": [[1, 2], [1, 2]]}',
        b'{"model": "iris", "data": {"sepal": {"0": 5e0, "1": 6.5}}, "rows": [[1.0, 2]]}',
        b'{"model": "iris", "data": {"sepal": {"0": 5, "1": 6.5}}, "rows": [[2, 1]]}',
        b'{"model": "iris", "data": {"sepal": {"0": 5, "1": 6.5}}, "rows": [[1, 2], [2, 1], [1, 2]]}',
        b'{"model":"iris","data":{"sepal":{"0":5,"1":6.5}},"rows":[[1,2]]}',
    ]
    assert len(texts) == checks.SAME_ANSWER_BODIES
    calls = tuple(Call(Body(text), response=ok(b'{"0": [0, 2]}')) for text in texts)
    assert checks.run_uses_its_input(Evidence(calls=calls)) is None
    # One more body with other values, and the same answer to all: now it reads as blind.
    other = Call(
        Body(b'{"model": "iris", "data": {"sepal": {"0": 7.1, "1": 6.5}}, "rows": [[1, 2]]}'),
        response=ok(b'{"0": [0, 2]}'),
    )
    assert checks.run_uses_its_input(Evidence(calls=(*calls, other))) is not None


def test_an_error_status_among_the_answers_is_left_to_the_other_checks() -> None:
    answers = [ok(b"1")] * checks.SAME_ANSWER_BODIES + [HttpResponse(400, JSON, b"1")]
    calls = tuple(Call(Body.from_json({"n": n}), response=r) for n, r in enumerate(answers))
    assert checks.run_uses_its_input(Evidence(calls=calls)) is None


def test_the_same_hidden_error_every_time_is_left_to_run_does_not_hide_errors() -> None:
    boom = caught(error("AttributeError: 'NoneType' object has no attribute 'predict'"))
    calls = tuple(
        Call(Body.from_json({"data": [n]}), response=ok(b'{"error": "AttributeError"}'), caught=boom)
        for n in range(checks.SAME_ANSWER_BODIES)
    )
    assert checks.run_does_not_hide_errors(calls[0]) is not None
    assert checks.run_uses_its_input(Evidence(calls=calls)) is None


# -- how an answer is shown -------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x04"


def test_an_image_answer_is_shown_as_what_it_is_not_as_raw_bytes() -> None:
    answer = HttpResponse(500, (("Content-Type", "image/png"),), PNG)
    violation = checks.response_status_is_2xx(Call(BODY, response=answer, returned_response=True))
    assert violation is not None
    assert violation.details == "response body: (20 bytes of image/png: 89 50 4e 47 0d 0a 1a 0a …)"


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        (b'{"label": "cat"}', '{"label": "cat"}'),
        ("é".encode() * 4, "éé"),  # cut at 5 bytes, inside the third "é": still text
        (b"\x1b[2Jhello", "(9 bytes of text/plain: 1b 5b 32 4a 68 65 6c 6c …)"),  # a terminal escape
        (b"\xff", "(1 byte of text/plain: ff)"),
    ],
)
def test_a_body_is_shown_as_text_only_when_it_is_text(data: bytes, shown: str) -> None:
    from score_contract.core.wording import shown_bytes

    assert shown_bytes(data, "text/plain", limit=5 if data.startswith("é".encode()) else 300) == shown
