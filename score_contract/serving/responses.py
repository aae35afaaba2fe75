"""The response the server sends back for what run() returned, or for a
request it refused: mirrors ``routes.py`` (handle_score, ErrorResponse,
_after_request), ``api/aml_response.py``, werkzeug's WSGI layer and gunicorn's
sync worker, which sends what the app returned. ``tests/test_parity.py`` holds
it to the official app in-process, ``tests/test_parity_http.py`` to the real
server over HTTP: status, body and headers.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from ..core.observations import HttpResponse, ScriptError
from . import tracebacks

#: routes.py: the body of a 500 after run() raised.
RUN_FAILED = "An unexpected error occurred in scoring script. Check the logs for more info."
#: routes.py: the body of a 500 for any other unhandled exception (e.g. the encoder's).
INTERNAL_ERROR = "An unexpected internal error occurred. Check the logs for more info."
_GUNICORN_ERROR_PAGE = (
    b"<html>\n  <head>\n    <title>Internal Server Error</title>\n  </head>\n  <body>\n"
    b"    <h1><p>Internal Server Error</p></h1>\n    \n  </body>\n</html>\n"
)
#: gunicorn's answer when the app lets a BaseException escape (gunicorn/util.py).
GUNICORN_ERROR = HttpResponse(
    500,
    (("Connection", "close"), ("Content-Type", "text/html"), ("Content-Length", str(len(_GUNICORN_ERROR_PAGE)))),
    _GUNICORN_ERROR_PAGE,
)


#: gunicorn/http/message.py TOKEN_RE: what a response header name must be.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9a-zA-Z]+")
#: gunicorn/http/wsgi.py HEADER_VALUE_RE: latin-1 without control characters.
_HEADER_VALUE = re.compile(r"[ \t\x21-\x7e\x80-\xff]*")
#: gunicorn/util.py hop_headers: the connection's own, dropped from the app's headers.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers", "transfer-encoding"}
    | {"upgrade", "server", "date"}
)


def error_response(status: int, message: str, run_failed: bool) -> HttpResponse:
    """routes.py ErrorResponse: a JSON ``{"message": ...}`` body."""
    return json_response(status, json.dumps({"message": message}), run_failed)


def json_response(status: int, text: str, run_failed: bool) -> HttpResponse:
    data = text.encode("utf-8")
    headers = (
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(data))),
        ("x-ms-run-function-failed", str(run_failed)),
    )
    return HttpResponse(status, headers, data)


def respond(output: object, app_root: tracebacks.Roots) -> tuple[HttpResponse, ScriptError | None, bool]:
    """The response the server sends for what run() returned (routes.handle_score).

    Returns the response, the encoder's error if it could not encode the output,
    and whether run() returned a Response object of its own.
    """
    flask = sys.modules.get("flask")
    if flask is not None and isinstance(output, flask.Response):
        return _pass_through(output, app_root)
    try:
        # AMLResponse(output, 200, json_str=True): stdlib json.dumps, allow_nan=True;
        # None becomes {}.
        text = json.dumps(output) if output is not None else json.dumps({})
    except Exception as exc:
        # Raised while building the response, outside handle_score's try: the
        # Flask catch-all answers 500 with x-ms-run-function-failed: False.
        return error_response(500, INTERNAL_ERROR, False), tracebacks.describe(exc, app_root), False
    return json_response(200, text, False), None, False


def _pass_through(output: Any, app_root: tracebacks.Roots) -> tuple[HttpResponse, ScriptError | None, bool]:
    """AMLResponse and flask.Response go out as they are, give or take what
    handle_score, routes._after_request, werkzeug's WSGI layer and gunicorn do to them."""
    try:
        # handle_score: a 5xx says x-ms-run-function-failed: True. The server
        # changes the user's object; so do we, a later call may see it.
        if output.status_code >= 500:
            if "x-ms-run-function-failed" in output.headers:
                output.headers["x-ms-run-function-failed"] = True
            else:
                output.headers.add("x-ms-run-function-failed", True)
        # _after_request measures a body that is not streamed; that turns an
        # iterable (even a dict: its keys) into a list, which then gets a
        # Content-Length. A generator stays streamed, without one (chunked).
        if not output.is_streamed:
            output.calculate_content_length()
    except Exception as exc:
        return error_response(500, INTERNAL_ERROR, False), tracebacks.describe(exc, app_root), True
    # From here on the Flask app has returned (flask/app.py wsgi_app calls the
    # response outside its handle_exception): what fails is gunicorn's to
    # answer (gunicorn/workers/sync.py handle_request).
    try:
        # Response.get_wsgi_response: no body and no Content-Length for a 204,
        # 304 or 1xx, whatever the object holds.
        app_iter, _, headers = output.get_wsgi_response({"REQUEST_METHOD": "POST"})
    except Exception as exc:
        return GUNICORN_ERROR, tracebacks.describe(exc, app_root), True
    sent, refused = _headers_on_the_wire(headers)
    if refused is not None:
        getattr(app_iter, "close", lambda: None)()
        return GUNICORN_ERROR, refused, True
    chunks: list[bytes] = []
    try:
        for chunk in app_iter:
            chunks.append(chunk)
    except Exception as exc:
        if not chunks:
            return GUNICORN_ERROR, tracebacks.describe(exc, app_root), True
        # gunicorn's first write() sent the status and headers, even for an
        # empty chunk: it can only cut the connection. The client gets the
        # status, the headers and a body that breaks off here.
        return HttpResponse(output.status_code, sent, b"".join(chunks)), tracebacks.describe(exc, app_root), True
    finally:
        getattr(app_iter, "close", lambda: None)()
    return HttpResponse(output.status_code, sent, b"".join(chunks)), None, True


def _headers_on_the_wire(headers: list[tuple[str, str]]) -> tuple[tuple[tuple[str, str], ...], ScriptError | None]:
    """gunicorn/http/wsgi.py Response.process_headers (gunicorn 27): values lose
    surrounding blanks; hop-by-hop headers are dropped, but for Upgrade: websocket;
    a header it cannot send (a name that is not a token, a value that is not
    latin-1 or holds a control character) is an error, answered with its HTML 500."""
    kept = []
    for name, value in headers:
        if not _HEADER_NAME.fullmatch(name):
            return (), _unsendable("InvalidResponseHeaderName", f"{name!r} is not a valid HTTP header name")
        if not _HEADER_VALUE.fullmatch(value):
            return (), _unsendable(
                "InvalidResponseHeader", f"{name}: {value!r} is not latin-1 text without control characters"
            )
        value = value.strip(" \t")
        lower = name.lower()
        if lower in _HOP_BY_HOP and not (lower == "upgrade" and value.lower() == "websocket"):
            continue
        kept.append((name, value))
    return tuple(kept), None


def _unsendable(type_name: str, message: str) -> ScriptError:
    """gunicorn raises it after run() returned: there is no line of the script to show."""
    text = f"gunicorn cannot send the response header {message}"
    return ScriptError(type_name=f"gunicorn.http.errors.{type_name}", message=text, traceback=f"{type_name}: {text}")


def type_name(value: object) -> str:
    cls = type(value)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


_JSON_LEAVES = (str, int, float, bool, type(None))


def unencodable(value: object, path: str = "$", depth: int = 0) -> str | None:
    """The first value json.dumps chokes on, as "numpy.int64 at $.count"."""
    if depth > 100:
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, _JSON_LEAVES):
                return f"a {type_name(key)} key at {path}"
            found = unencodable(item, f"{path}.{key}", depth + 1)
            if found:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = unencodable(item, f"{path}[{index}]", depth + 1)
            if found:
                return found
        return None
    if isinstance(value, _JSON_LEAVES):
        return None
    return type_name(value) if path == "$" else f"{type_name(value)} at {path}"


def holds_json(output: object) -> bool:
    if not isinstance(output, str):
        return False
    stripped = output.strip()
    if not stripped or stripped[0] not in "[{":
        return False
    try:
        return isinstance(json.loads(stripped), (dict, list))
    except (ValueError, RecursionError):  # "[" * 100_000 is too deep for the decoder
        return False
