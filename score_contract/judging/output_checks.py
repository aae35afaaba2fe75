"""The contract of what run() answers to a valid body: a 2xx status, a body the server can encode, strict JSON,
the output contract, not JSON encoded twice. Each a small pure function over one call (see :mod:`.check`)."""

from __future__ import annotations

from ..core.observations import Call
from ..core.wording import shown_bytes
from .answers import json_constant, python_repr
from .check import Violation


def response_status_is_2xx(call: Call) -> Violation | None:
    """When run() returns a Response of its own (AMLResponse, flask.Response) for a
    valid request body, its status is 2xx."""
    if call.returned_response and call.response is not None and not 200 <= call.response.status < 300:
        shown = preview(call)
        return Violation(
            f"run() answered a valid request with HTTP {call.response.status}",
            f"response body: {shown}" if shown else "",
            body=call.body,
        )
    return None


def preview(call: Call) -> str:
    response = call.response
    return shown_bytes(response.body, response.header("Content-Type") or "") if response is not None else ""


def output_is_json_encodable(call: Call) -> Violation | None:
    """What run() returns for a valid request body can be sent: the server's
    json.dumps can encode it, or it is a Response gunicorn can write; otherwise
    the client gets a 500 (or an answer that breaks off) although run() succeeded."""
    if call.encode_error is None:
        return None
    if call.returned_response:
        status = call.response.status if call.response is not None else None
        outcome = (
            f"the client gets HTTP {status} and a body that breaks off"
            if status is not None and status < 500
            else "the client gets gunicorn's HTML 500"
        )
        return Violation(
            f"run() returned a response the server cannot send: {call.encode_error.summary}",
            f"{outcome}.\n{call.encode_error.traceback}",
            body=call.body,
        )
    return Violation(
        f"run() returned {call.returned_type}, which the server cannot encode: HTTP 500",
        f"{call.encode_error.summary}\n"
        "Convert numpy/pandas values to plain Python first (e.g. .tolist(), float(x), int(x)).",
        body=call.body,
    )


def output_is_strict_json(call: Call) -> Violation | None:
    """Every JSON response to a valid request body is strict JSON: no NaN or
    Infinity tokens, which JSON does not have and most clients reject."""
    response = call.response
    if response is None or not response.is_json or not 200 <= response.status < 300:
        return None
    try:
        found = json_constant(response.body)
    except ValueError as exc:
        return Violation("the response body is not valid JSON", f"{exc}", body=call.body)
    if found is None:
        return None
    path, token = found
    return Violation(
        f"the response body is not strict JSON: {token} at {path}",
        "The server's json.dumps writes float('nan') / float('inf') as bare NaN / Infinity tokens."
        " Replace them with null (or a string) before returning.",
        body=call.body,
    )


def output_matches_schema(call: Call) -> Violation | None:
    """Every response body to a valid request satisfies the output contract
    (@output_schema, --score-output-schema); the server itself never checks it."""
    if call.output_problem is not None:
        return Violation(
            f"the response body does not match the output schema: {call.output_problem}",
            f"response body: {preview(call)}",
            body=call.body,
        )
    return None


def output_is_not_double_encoded(call: Call) -> Violation | None:
    """run() returns data, not a str that already holds it (json.dumps or str() of a
    dict or list): the server encodes a str again, and clients receive one JSON string
    instead of an object, or a Python repr they cannot parse as JSON at all."""
    if call.double_encoded:
        return Violation(
            "run() returned a JSON string; the server encodes it again (double encoding)",
            "Return the dict or list itself instead of json.dumps(...) of it.",
            body=call.body,
        )
    held = python_repr(call.response, call.returned_response)
    if held is not None:
        return Violation(
            f"run() returned str() of a {held}: the client gets a Python repr in a JSON string, which is not JSON",
            f"the answer: HTTP {call.response.status if call.response else ''} {preview(call)}\n"
            "str() writes 'single quotes', True, False and None, which JSON does not have: a client's"
            f" json.loads of the string fails. Return the {held} itself; the server encodes it as JSON.",
            body=call.body,
        )
    return None
