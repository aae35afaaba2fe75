"""The parity cases: real scoring scripts under tests/parity/<case>/score.py and
the request bodies each one is sent.

Shared by tests/test_parity.py (the engine against the official Flask app
in-process) and tests/test_parity_http.py (the engine against the real server
over HTTP), so that both prove the engine faithful on the same requests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from score_contract.core.observations import Body, Call, ImportResult, InitResult
from score_contract.isolation.sandbox import Sandbox

PARITY = Path(__file__).resolve().parent / "parity"
TIMEOUT = 30.0

#: Headers the server adds per request (ids, timing, server version); the engine
#: does not model them, and their values differ on every call anyway.
PER_REQUEST_HEADERS = frozenset(
    {"x-ms-run-fn-exec-ms", "x-request-id", "x-ms-request-id", "x-ms-client-request-id", "x-ms-server-version"}
)


def json_body(value: object, source: str) -> Body:
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

_UNDECORATED = (json_body({"data": [1, 2, 3]}, "a valid body"), json_body({"data": [1.5], "extra": "x"}, "extra keys"))
#: What a .http sample can say besides a JSON POST: other methods, a query string, headers of its own.
_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x80"
_REQUESTS = (
    Body(b"", "a GET with a query string", "", "GET", "/score?a=1&b=x&a=2&c=[1,%202]&d=null&e="),
    Body(b"", "a GET without a query string", "", "GET"),
    Body(b'{"data": [1]}', "a GET with a body: the body is ignored", "application/json", "GET", "/score?data=5"),
    Body(b"", "OPTIONS", "", "OPTIONS"),
    Body(b"", "HEAD", "", "HEAD"),
    Body(b'{"data": [1]}', "PUT", "application/json", "PUT"),
    Body(
        b'{"data": [1]}',
        "headers of its own",
        "application/json",
        headers=(("X-Api-Key", "abc"), ("x-lower", "v"), ("TraceId", "t-1"), ("Authorization", "Bearer t")),
    ),
    Body(_PNG, "a PNG image", "image/png"),
    Body(b"a,b\n1,2\n", "a CSV file", "text/csv"),
    Body(
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="cat.png"\r\nContent-Type: image/png\r\n\r\n'
        + _PNG
        + b'\r\n--XX\r\nContent-Disposition: form-data; name="field"\r\n\r\nv\r\n--XX--\r\n',
        "a multipart upload of a PNG file and a field",
        "multipart/form-data; boundary=XX",
        headers=(("X-Api-Key", "abc"),),
    ),
)
_STANDARD = (
    json_body({"data": {"a": 1, "b": "x"}}, "a valid body"),
    json_body({"data": {"a": 1, "b": "x"}, "extra": 1}, "extra top-level keys"),
    json_body({"data": {"a": 1}}, "a key missing inside data"),
    json_body({"data": {"a": "not an int", "c": 3}}, "wrong types and an extra key inside data"),
    json_body({"data": 5}, "an int where a dict is expected"),
    json_body({"data": None}, "null data"),
    json_body({"other": 1}, "the data key missing"),
)
_NUMPY = (
    json_body({"data": [[1, 2]]}, "one row"),
    json_body({"data": [[1, 2], [3, 4.5]]}, "two rows"),
    json_body({"data": []}, "an empty batch"),
    json_body({"data": [[1, 2, 3]]}, "a row too wide"),
    json_body({"data": [1, 2]}, "one dimension instead of two"),
    json_body({"data": [["a", "b"]]}, "strings"),
    json_body({"data": [[1, 2]], "extra": True}, "extra keys"),
)
_PANDAS = (
    json_body({"data": [{"a": 1, "b": "x"}]}, "one record"),
    json_body({"data": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]}, "two records"),
    json_body({"data": [{"a": 1, "b": "x", "c": 0}]}, "an extra column"),
    json_body({"data": [{"a": 1}]}, "a missing column"),
    json_body({"data": [{"a": "notint", "b": "x"}]}, "a string in an int column"),
    json_body({"data": []}, "no records"),
    json_body({"data": {"a": 1, "b": "x"}}, "an object instead of records"),
)
_AUTOML = (
    json_body({"Inputs": {"data": [{"age": 3}], "more": {"columns": ["x"], "data": [[1.5]]}}}, "one row in each"),
    json_body({"Inputs": {"data": [], "more": {"columns": ["x"], "data": []}}}, "no row in either"),
    json_body(
        {"Inputs": {"data": [], "more": {"columns": ["x"], "data": []}}, "GlobalParameters": {"method": "x"}},
        "no row, another method",
    ),
    json_body({"Inputs": {"data": [{"age": 3, "extra": 1}], "more": {"columns": ["x"], "data": []}}}, "a column more"),
    json_body({"Inputs": {"data": [{"age": 3}]}}, "a frame missing"),
)
_TWO = (
    json_body({"label": "y", "count": 3}, "both parameters"),
    json_body({"label": "y"}, "count missing"),
    json_body({"count": 3, "label": "y", "more": 1}, "both and an extra key"),
)
_SLEEPY = (json_body({"sleep": 1}, "a body that makes run() sleep past SCORING_TIMEOUT_MS"), *_UNDECORATED)
_OPTIONAL = (
    json_body({"data": {"a": 1}, "opt": 6}, "opt given"),
    json_body({"data": {"a": 1}}, "opt left out"),
    json_body({"opt": 6}, "data left out"),
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
    "schema-automl-nested-frames": _AUTOML,
    "schema-two-parameters": _TWO
    + _REQUESTS
    + (Body(b"", "a GET giving both parameters", "", "GET", "/score?label=%22y%22&count=3"),),
    "schema-optional-left-out": _OPTIONAL,
    "schema-python-default": _OPTIONAL,
    "request-headers": _UNDECORATED + _REQUESTS,
    "schema-request-headers": _STANDARD + _REQUESTS,
    "schema-output-only": _UNDECORATED,
    "rawhttp-get-data": _UNDECORATED + _REQUESTS,
    "rawhttp-files": _REQUESTS,
    "rawhttp-get-json": _UNDECORATED,
    "rawhttp-form": _UNDECORATED,
}

#: Cases only the real server can answer: gunicorn's sync worker, not the Flask
#: app, decides what goes out. A BaseException from run() leaves the app
#: (handle_score catches Exception only) and gets gunicorn's HTML 500
#: (responses.GUNICORN_ERROR), where the test client re-raises it; gunicorn sends
#: the app's headers but drops hop-by-hop ones, trims values and refuses ones it
#: cannot send; and it iterates a streamed body after the app has returned.
#: Compared over real HTTP only (tests/test_parity_http.py).
GUNICORN_ONLY: dict[str, tuple[Body, ...]] = {
    "run-raises-system-exit": _UNDECORATED,
    "run-raises-keyboard-interrupt": _UNDECORATED,
    "flask-response-hop-by-hop-and-padded-headers": _UNDECORATED,
    "flask-response-upgrade-websocket": _UNDECORATED,
    "amlresponse-header-not-latin-1": _UNDECORATED,
    "flask-response-header-control-character": _UNDECORATED,
    "flask-response-header-name-with-space": _UNDECORATED,
    "flask-response-stream-raises-at-once": _UNDECORATED,
    "flask-response-stream-breaks-off": _UNDECORATED,
}

#: Scripts the server refuses to boot: create() raises SystemExit(3), azmlinfsrv exits 3.
REFUSED = ("boot-init-raises", "boot-run-takes-kwargs", "boot-no-init", "boot-rawhttp-and-input-schema")

#: SCORING_TIMEOUT_MS for the cases that test it (the default is an hour).
SCORING_TIMEOUTS = {"run-times-out": 0.4, "run-swallows-the-timeout": 0.4}


def script(case: str) -> Path:
    return PARITY / case / "score.py"


def bodies(case: str) -> tuple[Body, ...]:
    """What ``case`` is sent: its own bodies, then ODD_BODIES."""
    return {**CASES, **GUNICORN_ONLY}[case] + ODD_BODIES


def comparable(
    headers: tuple[tuple[str, str], ...], ignored: frozenset[str] = PER_REQUEST_HEADERS
) -> dict[str, list[str]]:
    """Header values by lower-cased name, repeats in order, ``ignored`` names left out."""
    values: dict[str, list[str]] = {}
    for name, value in headers:
        if name.lower() not in ignored:
            values.setdefault(name.lower(), []).append(value)
    return values


def boot_engine(sandbox: Sandbox, path: Path) -> tuple[ImportResult, InitResult | None]:
    """Load the script in the engine's worker and run its init(), as the server's worker boots."""
    imported = sandbox.ask("load", str(path), str(path.parent), TIMEOUT, timeout=TIMEOUT)
    assert isinstance(imported, ImportResult), imported
    if not imported.accepted:
        return imported, None
    initialized = sandbox.ask("init", TIMEOUT, timeout=TIMEOUT)
    assert isinstance(initialized, InitResult), initialized
    return imported, initialized


def engine_calls(case: str, sent: tuple[Body, ...]) -> list[Call]:
    """The engine's answers to ``sent``, one Sandbox worker for the whole case."""
    path = script(case)
    sandbox = Sandbox(path, path.parent, None)
    try:
        imported, initialized = boot_engine(sandbox, path)
        assert imported.accepted and initialized is not None and initialized.ok, (imported, initialized)
        timeout = SCORING_TIMEOUTS.get(case, TIMEOUT)
        calls = [sandbox.ask("call", body, timeout, timeout=timeout) for body in sent]
    finally:
        sandbox.close()
    for call in calls:
        assert isinstance(call, Call), call
    return calls  # type: ignore[return-value]


Framing = Literal["length", "chunked", "none"]

#: Requests the Flask test client never sends: it always knows the body and, told to, sends its length; a real
#: client may stream it or send no length. tests/test_parity_http.py frames them so; the engine is given the body
#: whatever the framing.
WIRE_ONLY: tuple[tuple[Body, Framing], ...] = (
    (Body(b"", "an empty POST without Content-Type (requests sends Content-Length: 0)", content_type=""), "length"),
    (Body(b'{"data": [1, 2, 3]}', "a JSON body sent in chunks"), "chunked"),
    (Body(b"", "a POST with no body and no Content-Length (curl -X POST)", content_type=""), "none"),
)

#: run() sees the request's headers there: a body without Content-Length shows, and the engine always models a
#: request that has one (it is what requests sends).
READS_HEADERS = frozenset({"request-headers", "schema-request-headers"})


def wire_only(case: str) -> tuple[tuple[Body, Framing], ...]:
    """The wire-only requests ``case`` is sent over HTTP, after its bodies."""
    return tuple(sent for sent in WIRE_ONLY if sent[1] == "length" or case not in READS_HEADERS)


def answered_by_engine(once: Callable[[str, Callable[[Path], Any]], Any], case: str) -> list[Call]:
    """The engine's answers to all that either parity file sends ``case`` (its bodies, then its wire-only requests),
    made once for the run (tests/shared.py's ``once``): test_parity and test_parity_http hold the same answers to
    their two grounds truths, the Flask app and the real server, and each worker boot is ~0.3 s of CPU."""
    sent = bodies(case) + tuple(body for body, _ in wire_only(case))
    calls: list[Call] = once(f"parity-engine-{case}", lambda _folder: engine_calls(case, sent))
    return calls
