"""Read what an answer says: its JSON (a JSON string run() built with json.dumps
decoded too), whether it is an error report, and whether it carries an exception.

Pure functions over plain values, used by the checks.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Sequence

from ..core.compare import decode, json_path
from ..core.observations import Body, Call, HttpResponse, ScriptError

#: How deep answers are searched; deeper values are not read.
_DEPTH = 6
#: Keys whose text is an error by name (compared lower-case, without "_", "-" or " ").
ERROR_KEYS = frozenset(
    {
        "error",
        "errors",
        "err",
        "errormessage",
        "errormsg",
        "errordetail",
        "errordetails",
        "errortype",
        "exception",
        "exceptions",
        "exc",
        "exceptionmessage",
        "traceback",
        "stacktrace",
        "stack",
        "failure",
        "fault",
    }
)
#: Keys whose text is an error only in an envelope that holds nothing else (no result).
MESSAGE_KEYS = frozenset({"message", "msg", "detail", "details", "reason", "description", "info"})
#: What an error envelope may hold besides its message.
ENVELOPE_KEYS = frozenset(
    {"status", "statuscode", "code", "success", "ok", "type", "requestid", "timestamp", "time", "title"}
)
_FAILED_STATUS = frozenset({"error", "failed", "failure", "fail", "exception", "ko"})
#: Text that opens like an exception or an error ("ValueError: ...", "Error: ...", "Traceback (most recent ...").
_ERROR_TEXT = re.compile(
    r"\s*(?:[\w.]*(?:Error|Exception)\b|error\b|exception\b|traceback\b|failed\b|failure\b)", re.IGNORECASE
)
#: Text that opens like a Python exception or its traceback: "ValueError: …", "Traceback (most recent call last)".
_EXCEPTION_TEXT = re.compile(r"\s*(?:[\w.]*(?:Error|Exception)\s*:|Traceback \(most recent call last\))")


def _normal(key: str) -> str:
    return re.sub(r"[\s_\-]", "", key).lower()


def answer_value(response: HttpResponse) -> object:
    """The answer's body as JSON, double encoding undone; its text when it is not JSON."""
    try:
        value = json.loads(response.body)
    except (ValueError, RecursionError):
        return response.body.decode("utf-8", "replace")
    return decode(value)


Part = str | int
Parts = tuple[Part, ...]


def _texts(value: object, parts: Parts = (), depth: int = 0) -> Iterator[tuple[Parts, str]]:
    """Every string in ``value`` (keys included), with where it is."""
    if depth > _DEPTH:
        return
    if isinstance(value, str):
        yield parts, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*parts, str(key)), str(key)
            yield from _texts(item, (*parts, str(key)), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value[:100]):
            yield from _texts(item, (*parts, index), depth + 1)


def _holds_text(value: object) -> bool:
    return any(text.strip() for _, text in _texts(value))


def error_report(value: object, strict: bool = False) -> str | None:
    """Why ``value`` reads as an error report rather than a result, or None.

    An error report: an error-like key (``error``, ``exception``, ``traceback``…) holding
    text; a message-like key holding text in an envelope that holds nothing else, or next
    to a failed status; a text that opens like an exception ("ValueError: …", "Traceback
    (most recent call last)"), or, unless ``strict``, like an error at all ("error", "failed"):
    a class label "error" is such a text, and only what run() caught makes it evidence.
    """
    found = report_at(value, strict)
    return found[1] if found is not None else None


def report_at(value: object, strict: bool = False, parts: Parts = (), depth: int = 0) -> tuple[Parts, str] | None:
    """Where ``value`` reads as an error report, and why (see :func:`error_report`)."""
    if depth > _DEPTH:
        return None
    path = json_path(parts)
    if isinstance(value, str):
        if (_EXCEPTION_TEXT if strict else _ERROR_TEXT).match(value):
            return parts, f"the text at {path} reads as an error: {_short(value)}"
        return None
    if isinstance(value, list):
        for index, item in enumerate(value[:100]):
            found = report_at(item, strict, (*parts, index), depth + 1)
            if found:
                return found
        return None
    if not isinstance(value, dict):
        return None
    keys = {_normal(str(key)): key for key in value}
    for normal, key in keys.items():
        if normal in ERROR_KEYS and _holds_text(value[key]):
            return (*parts, str(key)), f"an {key!r} key at {path} holds {_short(_first_text(value[key]))}"
    messages = [key for normal, key in keys.items() if normal in MESSAGE_KEYS and _holds_text(value[key])]
    if messages:
        envelope = all(normal in ERROR_KEYS | MESSAGE_KEYS | ENVELOPE_KEYS for normal in keys)
        if envelope or _failed(value, keys):
            key = messages[0]
            return (*parts, str(key)), f"a {key!r} key at {path} holds {_short(_first_text(value[key]))} and no result"
    for key, item in value.items():
        found = report_at(item, strict, (*parts, str(key)), depth + 1)
        if found:
            return found
    return None


def _failed(value: dict[object, object], keys: dict[str, object]) -> bool:
    for name in ("status", "success", "ok"):
        if name in keys:
            item = value[keys[name]]
            if item is False or (isinstance(item, str) and item.strip().lower() in _FAILED_STATUS):
                return True
    return False


def _first_text(value: object) -> str:
    return next((text for _, text in _texts(value) if text.strip()), "")


def carried(value: object, error: ScriptError) -> str | None:
    """Where ``value`` carries ``error``: its text, or its class name; None when it does not."""
    found = carried_at(value, error)
    return found[1] if found is not None else None


def carried_at(value: object, error: ScriptError) -> tuple[Parts, str] | None:
    """Where ``value`` carries ``error``, and how ("text at $.error", "class name KeyError at $.note")."""
    message = error.message.strip()
    first_line = message.splitlines()[0].strip() if message else ""
    short_name = error.type_name.rsplit(".", 1)[-1]
    for parts, text in _texts(value):
        # Short texts ("0", "'a'") would be found by chance.
        for part in dict.fromkeys((message, first_line)):
            if len(part) >= 4 and part in text:
                return parts, f"text at {json_path(parts)}"
        if re.search(rf"\b{re.escape(short_name)}\b", text):
            return parts, f"class name {short_name} at {json_path(parts)}"
    return None


# -- the shape of a result ----------------------------------------------------------


def holds_result(answer: object, result: object) -> bool:
    """Whether ``answer`` carries everything ``result`` holds, in the same shape: each of its
    keys (with a value of the same kind), lists where it has lists, numbers where it has numbers.
    A null in ``result`` holds nothing; an answer may hold more (a note beside the scores)."""
    if result is None:
        return True
    if isinstance(result, dict):
        return isinstance(answer, dict) and all(k in answer and holds_result(answer[k], v) for k, v in result.items())
    if isinstance(result, list):
        if not isinstance(answer, list):
            return False
        return not (result and answer) or holds_result(answer[0], result[0])
    return _kind(answer) == _kind(result)


def is_result(value: object) -> bool:
    """A value that holds something: a text, a number, a boolean, anywhere inside it."""
    if isinstance(value, dict):
        return any(is_result(v) for v in value.values())
    if isinstance(value, list):
        return any(is_result(v) for v in value)
    return value is not None


def in_result(result: object, parts: Parts) -> bool:
    """Whether ``parts`` leads to a value ``result`` holds (not absent, not null): what sits there
    in another answer is part of the result, not a note beside it."""
    current = result
    for part in parts:
        if isinstance(part, int):
            if not isinstance(current, list) or not current:
                return isinstance(current, list)  # an empty list of results: its items are results
            current = current[min(part, len(current) - 1)]
        else:
            if not isinstance(current, dict) or part not in current:
                return False
            current = current[part]
    return current is not None


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _short(text: str, limit: int = 80) -> str:
    shown = json.dumps(text)
    return shown if len(shown) <= limit else shown[: limit - 2] + '…"'


# -- what a body holds that JSON does not --------------------------------------------


class _Constant:
    """A NaN or Infinity token met while parsing."""

    def __init__(self, token: str) -> None:
        self.token = token


def _find_constant(value: object, path: str = "$") -> tuple[str, str] | None:
    if isinstance(value, _Constant):
        return path, value.token
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find_constant(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_constant(item, f"{path}[{index}]")
            if found:
                return found
    return None


def json_constant(body: bytes) -> tuple[str, str] | None:
    """Where a JSON body holds a NaN or Infinity token, and which: ("$.mean", "NaN"), or None.
    Raises ValueError when the body is not JSON at all; too deep to parse reads as none."""
    try:
        parsed = json.loads(body, parse_constant=_Constant)
    except RecursionError:
        return None
    return _find_constant(parsed)


#: Longer strings are not read back as a Python literal (ast.literal_eval's cost grows with them).
_REPR_LIMIT = 100_000


def python_repr(response: HttpResponse | None, returned_response: bool = False) -> str | None:
    """What run() returned the repr of ("dict" or "list", from ``str(result)``), or None: the answer
    is one JSON string whose text is a Python literal and not JSON."""
    if response is None or returned_response or not response.is_json or not 200 <= response.status < 300:
        return None
    try:
        text = json.loads(response.body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(text, str) or len(text) > _REPR_LIMIT or text.strip()[:1] not in ("{", "["):
        return None
    try:
        json.loads(text)
        return None  # JSON after all: double encoding, which the worker reports itself
    except (ValueError, RecursionError):
        pass
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return "dict" if isinstance(value, dict) else "list" if isinstance(value, list) else None


# -- answers compared ---------------------------------------------------------------


def result_beside(value: object, where: tuple[str | int, ...], answers: Sequence[Call]) -> str | None:
    """When ``value`` holds all that an answer holds where run() caught nothing (the same keys, the
    same kinds of values) and the exception sits outside it (a note): that answer's keys; else None.

    The evidence is the other answers: without one where nothing was caught, nothing says what a
    result is, and the answer is judged alone."""
    for other in answers:
        response = other.response
        if other.caught or other.error is not None or response is None or not 200 <= response.status < 300:
            continue
        result = answer_value(response)
        if is_result(result) and holds_result(value, result) and not in_result(result, where):
            return _keys_of(result)
    return None


def _keys_of(result: object) -> str:
    if isinstance(result, dict):
        return ", ".join(f"$.{key}" for key in result)
    return "a list" if isinstance(result, list) else f"a {type(result).__name__}"


def leaf_values(body: Body) -> frozenset[tuple[tuple[str, ...], object]] | None:
    """The values a JSON body holds, each with the keys that lead to it (list items crossed), numbers
    as numbers (5 and 5.0 are one): two bodies with the same rows in other numbers or another order
    hold the same values. None for a body that is not JSON (a file sent as it is)."""
    try:
        value = json.loads(body.data)
    except (ValueError, RecursionError):
        return None
    found: set[tuple[tuple[str, ...], object]] = set()

    def walk(item: object, keys: tuple[str, ...], depth: int) -> None:
        if depth > _DEPTH * 4:
            return
        if isinstance(item, dict):
            for key, inner in item.items():
                walk(inner, (*keys, str(key)), depth + 1)
        elif isinstance(item, list):
            for inner in item:
                walk(inner, keys, depth + 1)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            found.add((keys, ("number", float(item))))
        else:  # a text, a boolean or null: tagged, since True == 1.0 in a set
            found.add((keys, (type(item).__name__, item)))

    walk(value, (), 0)
    return frozenset(found)
