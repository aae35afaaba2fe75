"""The engine answers every request body as the official server's Flask app does.

score_contract/calling.py and responses.py rebuild by hand how azureml-inference-server-http turns
a request into a run() call and run()'s return value into a response. Here the
same bodies go through the engine (a Sandbox worker) and through the official app
(``create_app.create().test_client()`` in a fresh subprocess, see official_app.py),
and the two must agree on the status, the body bytes and every header that does
not vary per request.

The official app is the ground truth: a difference is a bug of the engine.
In-process, the test client cannot show what gunicorn adds on the wire (its HTML
500 when a BaseException escapes the app, Connection/Date/Server headers, chunked
encoding); those are compared against the real server over HTTP elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from score_contract.loader import server_environment
from score_contract.observations import Body, Call, HttpResponse, ImportResult, InitResult
from score_contract.sandbox import Sandbox
from tests import official_app

PARITY = Path(__file__).resolve().parent / "parity"
TIMEOUT = 30.0

#: Headers the app adds per request (ids, timing, server version); the engine does
#: not model them, and their values differ on every call anyway.
PER_REQUEST_HEADERS = frozenset(
    {"x-ms-run-fn-exec-ms", "x-request-id", "x-ms-request-id", "x-ms-client-request-id", "x-ms-server-version"}
)


def _json(value: object, source: str) -> Body:
    return Body.from_json(value, source)


#: Sent to every script: what a careless or hostile client sends.
ODD_BODIES = (
    Body(b"{}", "an empty object"),
    Body(b"[1, 2]", "a JSON list instead of an object"),
    Body(b"", "an empty body"),
    Body(b"{not json", "malformed JSON"),
    Body(b"\xff\xfe", "non-UTF-8 bytes (a UTF-16 BOM)"),
    Body(b"\xff", "a lone 0xff byte"),
    Body(b'"just a string"', "a JSON string"),
    Body(b"null", "JSON null"),
    Body(b'{"data": {"a": 1}}', "JSON sent as text/plain", content_type="text/plain"),
    Body(b"\xff\xfe", "non-UTF-8 bytes as text/plain", content_type="text/plain"),
    Body(b'{"data": {"a": 1}}', "no Content-Type at all", content_type=""),
    Body(b"a=1&b=2", "a form, as curl -d sends it", content_type="application/x-www-form-urlencoded"),
    Body(b"a=%FF", "a form with a non-UTF-8 escape", content_type="application/x-www-form-urlencoded"),
    Body(
        b"a=" + b"x" * 500_001,
        "a form larger than werkzeug's form memory (413)",
        content_type="application/x-www-form-urlencoded",
    ),
    Body(
        b'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XX--\r\n',
        "a multipart form",
        content_type="multipart/form-data; boundary=XX",
    ),
    Body(b'{"data": {"a": 1}}', "multipart without a boundary", content_type="multipart/form-data"),
    Body(b'\xef\xbb\xbf{"data": {"a": 1}}', "JSON after a UTF-8 byte order mark"),
    Body(b"[" * 100_000, "JSON nested too deep for the decoder"),
    Body(b'{"data": {"a": 1}}', "JSON with a charset", content_type="application/json; charset=utf-8"),
    Body(b'{"data": {"a": 1}}', "a +json media type", content_type="application/vnd.api+json"),
)

_UNDECORATED = (_json({"data": [1, 2, 3]}, "a valid body"), _json({"data": [1.5], "extra": "x"}, "extra keys"))
_STANDARD = (
    _json({"data": {"a": 1, "b": "x"}}, "a valid body"),
    _json({"data": {"a": 1, "b": "x"}, "extra": 1}, "extra top-level keys"),
    _json({"data": {"a": 1}}, "a key missing inside data"),
    _json({"data": {"a": "not an int", "c": 3}}, "wrong types and an extra key inside data"),
    _json({"data": 5}, "an int where a dict is expected"),
    _json({"data": None}, "null data"),
    _json({"other": 1}, "the data key missing"),
)
_NUMPY = (
    _json({"data": [[1, 2]]}, "one row"),
    _json({"data": [[1, 2], [3, 4.5]]}, "two rows"),
    _json({"data": []}, "an empty batch"),
    _json({"data": [[1, 2, 3]]}, "a row too wide"),
    _json({"data": [1, 2]}, "one dimension instead of two"),
    _json({"data": [["a", "b"]]}, "strings"),
    _json({"data": [[1, 2]], "extra": True}, "extra keys"),
)
_PANDAS = (
    _json({"data": [{"a": 1, "b": "x"}]}, "one record"),
    _json({"data": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]}, "two records"),
    _json({"data": [{"a": 1, "b": "x", "c": 0}]}, "an extra column"),
    _json({"data": [{"a": 1}]}, "a missing column"),
    _json({"data": [{"a": "notint", "b": "x"}]}, "a string in an int column"),
    _json({"data": []}, "no records"),
    _json({"data": {"a": 1, "b": "x"}}, "an object instead of records"),
)
_TWO = (
    _json({"label": "y", "count": 3}, "both parameters"),
    _json({"label": "y"}, "count missing"),
    _json({"count": 3, "label": "y", "more": 1}, "both and an extra key"),
)
_SLEEPY = (_json({"sleep": 1}, "a body that makes run() sleep past SCORING_TIMEOUT_MS"), *_UNDECORATED)
_OPTIONAL = (
    _json({"data": {"a": 1}, "opt": 6}, "opt given"),
    _json({"data": {"a": 1}}, "opt left out"),
    _json({"opt": 6}, "data left out"),
)

#: Each case is a script under tests/parity/<case>/score.py and the bodies it gets
#: besides ODD_BODIES.
CASES: dict[str, tuple[Body, ...]] = {
    "returns-dict": _UNDECORATED,
    "returns-list": _UNDECORATED,
    "returns-str": _UNDECORATED,
    "returns-json-str": _UNDECORATED,
    "returns-none": _UNDECORATED,
    "returns-tuple": _UNDECORATED,
    "returns-int": _UNDECORATED,
    "returns-float": _UNDECORATED,
    "returns-nan-and-infinity": _UNDECORATED,
    "returns-numpy-int64": _UNDECORATED,
    "returns-numpy-array": _UNDECORATED,
    "returns-numpy-float64": _UNDECORATED,
    "returns-decimal": _UNDECORATED,
    "returns-set": _UNDECORATED,
    "returns-bytes": _UNDECORATED,
    "run-raises-value-error": _UNDECORATED,
    "run-raises-timeout-error": _UNDECORATED,
    "run-times-out": _SLEEPY,
    "run-swallows-the-timeout": _SLEEPY,
    "amlresponse-200-json": _UNDECORATED,
    "amlresponse-200-dict": _UNDECORATED,
    "amlresponse-204": _UNDECORATED,
    "amlresponse-404": _UNDECORATED,
    "amlresponse-500": _UNDECORATED,
    "amlresponse-custom-headers": _UNDECORATED,
    "flask-response-503": _UNDECORATED,
    "flask-response-streamed": _UNDECORATED,
    "flask-response-json-with-run-function-failed": _UNDECORATED,
    "flask-jsonify": _UNDECORATED,
    "flask-request-in-undecorated-run": _UNDECORATED,
    "schema-standard-dict": _STANDARD,
    "schema-numpy-2d": _NUMPY,
    "schema-pandas-records": _PANDAS,
    "schema-two-parameters": _TWO,
    "schema-optional-left-out": _OPTIONAL,
    "schema-python-default": _OPTIONAL,
    "request-headers": _UNDECORATED,
    "schema-request-headers": _STANDARD,
    "schema-output-only": _UNDECORATED,
    "rawhttp-get-data": _UNDECORATED,
    "rawhttp-get-json": _UNDECORATED,
    "rawhttp-form": _UNDECORATED,
}

#: Cases the in-process app cannot answer; the comparison needs the real server.
NOT_IN_PROCESS = {
    # handle_score catches Exception only: SystemExit leaves the Flask app and the
    # test client re-raises it, where gunicorn's sync worker answers an HTML 500
    # and survives (measured; responses.GUNICORN_ERROR). Compared over real HTTP later.
    "run-raises-system-exit": "SystemExit escapes the Flask test client; only gunicorn answers it",
}

#: Scripts the server refuses to boot: create() raises SystemExit(3).
REFUSED = ("boot-init-raises", "boot-run-takes-kwargs", "boot-no-init", "boot-rawhttp-and-input-schema")


#: SCORING_TIMEOUT_MS for the cases that test it (the default is an hour).
SCORING_TIMEOUTS = {"run-times-out": 0.4, "run-swallows-the-timeout": 0.4}


def _script(case: str) -> Path:
    return PARITY / case / "score.py"


def _environment(case: str) -> dict[str, str]:
    # The environment the engine's worker gets: the scripts see the same on both sides.
    script = _script(case)
    env = server_environment(os.environ, script=script, app_root=script.parent, model_dir=None)
    if case in SCORING_TIMEOUTS:
        env["SCORING_TIMEOUT_MS"] = str(int(SCORING_TIMEOUTS[case] * 1000))
    return env


def _comparable(headers: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    """Header values by lower-cased name, repeats in order, per-request headers left out."""
    values: dict[str, list[str]] = {}
    for name, value in headers:
        if name.lower() not in PER_REQUEST_HEADERS:
            values.setdefault(name.lower(), []).append(value)
    return values


def _differences(body: Body, call: Call, answer: official_app.Answer) -> list[str]:
    sent = f"{body.source} ({body.data!r}, Content-Type {body.content_type!r})"
    if answer.escaped:
        return [f"{sent}: the official app let {answer.escaped} escape"]
    if call.response is None:
        return [f"{sent}: the engine's worker died: {call.death}"]
    found = []
    if call.response.status != answer.status:
        found.append(f"status: engine {call.response.status}, official {answer.status}")
    if call.response.body != answer.body:
        found.append(f"body: engine {call.response.body!r}, official {answer.body!r}")
    ours, theirs = _comparable(call.response.headers), _comparable(answer.headers)
    for name in sorted(ours.keys() | theirs.keys()):
        if ours.get(name) != theirs.get(name):
            found.append(f"header {name}: engine {ours.get(name)}, official {theirs.get(name)}")
    return [f"{sent}:\n    " + "\n    ".join(found)] if found else []


def _boot_engine(sandbox: Sandbox, script: Path) -> tuple[ImportResult, InitResult | None]:
    imported = sandbox.ask("load", str(script), str(script.parent), TIMEOUT, timeout=TIMEOUT)
    assert isinstance(imported, ImportResult), imported
    if not imported.accepted:
        return imported, None
    initialized = sandbox.ask("init", TIMEOUT, timeout=TIMEOUT)
    assert isinstance(initialized, InitResult), initialized
    return imported, initialized


def _bodies(case: str) -> tuple[Body, ...]:
    return CASES[case] + ODD_BODIES


@pytest.fixture(scope="module")
def official_boots(request: pytest.FixtureRequest) -> Iterator[dict[str, Future[official_app.Boot]]]:
    """The official app's answers for every selected case, two subprocesses at a time.

    Each boot costs ~0.7 s of imports (Flask, the server, inference-schema); run in
    the background while the tests drive the engine, the file takes half the time.
    """
    selected = [
        item.callspec.params["case"]
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_engine_answers_like_the_official_app"
        and item.callspec.params["case"] in CASES
    ]
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="official-app")
    boots = {
        case: pool.submit(
            official_app.answer,
            _script(case),
            [(b.data, b.content_type) for b in _bodies(case)],
            _environment(case),
        )
        for case in selected
    }
    yield boots
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize(
    "case",
    [*CASES, *(pytest.param(case, marks=pytest.mark.skip(reason=why)) for case, why in NOT_IN_PROCESS.items())],
)
def test_engine_answers_like_the_official_app(case: str, official_boots: dict[str, Future[official_app.Boot]]) -> None:
    script = _script(case)
    bodies = _bodies(case)
    sandbox = Sandbox(script, script.parent, None)
    try:
        imported, initialized = _boot_engine(sandbox, script)
        assert imported.accepted and initialized is not None and initialized.ok, (imported, initialized)
        timeout = SCORING_TIMEOUTS.get(case, TIMEOUT)
        calls = [sandbox.ask("call", body, timeout, timeout=timeout) for body in bodies]
    finally:
        sandbox.close()
    boot = official_boots[case].result()
    assert boot.exit_code is None, f"the official app did not boot:\n{boot.log}"
    assert len(boot.answers) == len(bodies), boot.log
    differences: list[str] = []
    for body, call, answer in zip(bodies, calls, boot.answers, strict=True):
        assert isinstance(call, Call), call
        differences += _differences(body, call, answer)
    assert not differences, f"{len(differences)} of {len(bodies)} bodies answered differently:\n" + "\n".join(
        differences
    )


@pytest.mark.parametrize("case", REFUSED)
def test_engine_refuses_to_boot_like_the_official_app(case: str) -> None:
    script = _script(case)
    pending = official_app.start(script, [], _environment(case))
    sandbox = Sandbox(script, script.parent, None)
    try:
        imported, initialized = _boot_engine(sandbox, script)
    finally:
        sandbox.close()
        boot = official_app.finish(pending)
    assert boot.exit_code == 3, f"the official app booted:\n{boot.log}"
    engine_refused = not imported.accepted or (initialized is not None and not initialized.ok)
    assert engine_refused, (imported, initialized)


def test_engine_still_reports_a_timeout_that_run_swallowed() -> None:
    """The response is the server's (run()'s own answer), but the call ran past its time."""
    script = _script("run-swallows-the-timeout")
    sandbox = Sandbox(script, script.parent, None)
    try:
        _boot_engine(sandbox, script)
        call = sandbox.ask("call", _SLEEPY[0], 0.2, timeout=0.2)
    finally:
        sandbox.close()
    assert isinstance(call, Call) and call.response is not None
    assert (call.response.status, call.response.body) == (200, b'{"swallowed": "TimeoutError"}')
    assert call.timed_out and call.error is not None and "time.sleep(10)" in call.error.traceback


def test_every_parity_script_is_in_a_case() -> None:
    """A script added under tests/parity/ without a case would silently prove nothing."""
    on_disk = {path.parent.name for path in PARITY.glob("*/score.py")}
    assert on_disk == set(CASES) | set(NOT_IN_PROCESS) | set(REFUSED)


def test_the_comparison_sees_a_difference() -> None:
    """Guard against a comparison that passes whatever the engine answers."""
    body = Body(b"{}", "x")
    call = Call(body, response=HttpResponse(200, (("Content-Type", "application/json"),), b"{}"))
    same = official_app.Answer(200, (("Content-Type", "application/json"), ("x-request-id", "1")), b"{}")
    other = official_app.Answer(200, (("Content-Type", "text/html"),), b"{}")
    assert _differences(body, call, same) == []
    assert _differences(body, call, other) != []
