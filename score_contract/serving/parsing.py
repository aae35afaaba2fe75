"""How the server turns an HTTP request into run()'s arguments, before run() is called:
input_parsers.py (the raw body text, @input_schema's keyword arguments, a GET's query
string), the methods routes.py answers itself, and the headers run() sees.

Mirrors ``azureml_inference_server_http/server/input_parsers.py`` and ``routes.py``;
tests/test_parity.py and tests/test_parity_http.py hold it to the official server.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from ..core.observations import Body, HttpResponse
from .responses import INTERNAL_ERROR, error_response, json_response

USER_AGENT = "score-contract"


def _is_json_mimetype(content_type: str) -> bool:
    """werkzeug Request.is_json, which ObjectInput requires."""
    mimetype = content_type.split(";")[0].strip().lower()
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def request_headers(body: Body) -> dict[str, str]:
    """What run() gets as ``request_headers``: dict(request.headers).

    werkzeug's EnvironHeaders leaves out a Content-Type that was not sent, and
    re-cases every other name from the WSGI environ (``x-api-key`` → ``X-Api-Key``).
    An empty POST body still has ``Content-Length: 0``: requests and curl send it;
    a GET without a body has none.
    """
    headers = {"Host": "localhost", "User-Agent": USER_AGENT}
    for name, value in body.headers:
        headers[name.replace("_", "-").title()] = value
    if body.content_type:
        headers["Content-Type"] = body.content_type
    if _has_content_length(body):
        headers["Content-Length"] = str(len(body.data))
    return headers


def _has_content_length(body: Body) -> bool:
    return bool(body.data) or body.method not in ("GET", "HEAD", "OPTIONS")


#: routes.py handle_score: an OPTIONS request is answered AMLResponse("", 200), never by run().
_OPTIONS_ANSWER = HttpResponse(
    200,
    (("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "0"), ("x-ms-run-function-failed", "False")),
)


def not_for_run(body: Body) -> HttpResponse | None:
    """The answer the server gives itself to a method an undecorated or @input_schema
    run() never sees (input_parsers.InputParserBase: GET and POST only)."""
    if body.method in ("GET", "POST"):
        return None
    if body.method == "OPTIONS":
        return _OPTIONS_ANSWER
    if body.method == "HEAD":
        # Flask routes HEAD to the GET view; the 405 goes out without its body.
        refused = error_response(405, "Method not allowed", False)
        return HttpResponse(refused.status, refused.headers, b"")
    return ROUTING_405


#: create_app's HTTPException handler, for a method /score does not route (PUT, DELETE...).
ROUTING_405 = json_response(405, json.dumps({"message": "The method is not allowed for the requested URL."}), False)


def _query(body: Body) -> dict[str, Any]:
    """InputParserBase._parse_get_parameters: each query value parsed as JSON where it
    can be, a repeated key as a list (werkzeug parses the query string, as in the server)."""
    import flask

    with flask_request(body):
        args = flask.request.args
        return {key: _parse_value(args.getlist(key)) for key in args}


def _parse_value(values: list[str]) -> Any:
    parsed = [_json_or_text(v) for v in values]
    return parsed[0] if len(parsed) == 1 else parsed


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def schema_arguments(parameters: tuple[inspect.Parameter, ...], body: Body) -> dict[str, Any] | HttpResponse:
    """input_parsers.ObjectInput._parse_post_input (or _parse_get_input) and _extract_parameters."""
    if body.method == "GET":
        return _extract(parameters, _query(body))
    if not _is_json_mimetype(body.content_type):
        return error_response(415, "Expects Content-Type to be application/json", False)
    try:
        parsed = json.loads(body.data)
    except json.JSONDecodeError as ex:
        if body.data:
            return error_response(400, f"POST body could not be decoded as JSON: {ex}", False)
        return error_response(400, "POST body is empty. Expecting a JSON dictionary.", False)
    except (ValueError, RecursionError):
        # Not a JSONDecodeError (e.g. bytes that are not UTF-8): nothing in
        # handle_score catches it, Flask's catch-all answers 500.
        return error_response(500, INTERNAL_ERROR, False)
    if not isinstance(parsed, dict):
        return error_response(400, "POST body should be a JSON dictionary.", False)
    return _extract(parameters, parsed)


def _extract(parameters: tuple[inspect.Parameter, ...], parsed: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    arguments: dict[str, Any] = {}
    for parameter in parameters:
        value = parsed.get(parameter.name, parameter.default)
        if value is inspect.Parameter.empty:
            return error_response(400, f"A value is not provided for the {parameter.name!r} parameter.", False)
        arguments[parameter.name] = value
    return arguments


def text_argument(name: str, body: Body) -> dict[str, Any] | HttpResponse:
    """JsonStringInput: ``str(request.data, "utf-8")``, the raw body text, never parsed;
    for a GET, json.dumps of the query string's values."""
    if body.method == "GET":
        return {name: json.dumps(_query(body))}
    data = body.data
    if _is_small_urlencoded_form(body):
        # What werkzeug would conclude below, without importing Flask (~70 ms)
        # into a worker whose script never did.
        data = b""
    elif _is_form_mimetype(body.content_type):
        # request.data parses a form first and is then empty: `curl -d` bodies
        # reach run() as "". werkzeug's parser decides (its size limits answer
        # 413 through routes.handle_http_exception), so let it.
        import flask
        import werkzeug.exceptions

        try:
            with flask_request(body):
                data = flask.request.data
        except werkzeug.exceptions.HTTPException as ex:
            return error_response(ex.code or 500, str(ex.description), False)
    try:
        return {name: data.decode("utf-8")}
    except UnicodeDecodeError as ex:
        return error_response(400, f"Input cannot be decoded as UTF-8: {ex}", False)


def _is_small_urlencoded_form(body: Body) -> bool:
    """Within werkzeug's limits for a form (max_form_memory_size, max_form_parts)."""
    mimetype = body.content_type.split(";")[0].strip().lower()
    return mimetype == "application/x-www-form-urlencoded" and len(body.data) <= 100_000 and body.data.count(b"&") < 100


def _is_form_mimetype(content_type: str) -> bool:
    """The media types werkzeug's FormDataParser consumes (werkzeug/formparser.py)."""
    mimetype = content_type.split(";")[0].strip().lower()
    return mimetype in ("multipart/form-data", "application/x-www-form-urlencoded")


def flask_request(body: Body) -> Any:
    """A Flask request for ``body`` with the headers of a plain HTTP client and its own."""
    headers = [("User-Agent", USER_AGENT), *body.headers]
    if body.content_type:
        headers.append(("Content-Type", body.content_type))
    return _flask_app().test_request_context(
        body.target,
        method=body.method,
        data=body.data,
        headers=headers,
        content_length=len(body.data) if _has_content_length(body) else None,
    )


_APP: Any = None


def _flask_app() -> Any:
    global _APP
    if _APP is None:
        import flask

        _APP = flask.Flask("score_contract")
    return _APP


def message(response: HttpResponse) -> str:
    try:
        return str(json.loads(response.body)["message"])
    except (ValueError, KeyError, TypeError):
        return response.body.decode("utf-8", "replace")
