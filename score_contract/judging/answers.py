"""Read what an answer says: its JSON (a JSON string run() built with json.dumps
decoded too), whether it is an error report, and whether it carries an exception.

Pure functions over plain values, used by the checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..core.compare import decode
from ..core.observations import HttpResponse, ScriptError

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


def _normal(key: str) -> str:
    return re.sub(r"[\s_\-]", "", key).lower()


def answer_value(response: HttpResponse) -> object:
    """The answer's body as JSON, double encoding undone; its text when it is not JSON."""
    try:
        value = json.loads(response.body)
    except (ValueError, RecursionError):
        return response.body.decode("utf-8", "replace")
    return decode(value)


def _texts(value: object, path: str = "$", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every string in ``value`` (keys included), with its path."""
    if depth > _DEPTH:
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", str(key)
            yield from _texts(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value[:100]):
            yield from _texts(item, f"{path}[{index}]", depth + 1)


def _holds_text(value: object) -> bool:
    return any(text.strip() for _, text in _texts(value))


def error_report(value: object, path: str = "$", depth: int = 0) -> str | None:
    """Why ``value`` reads as an error report rather than a result, or None.

    An error report: a text that opens like an exception or an error; an error-like key
    (``error``, ``exception``, ``traceback``…) holding text; a message-like key holding
    text in an envelope that holds nothing else, or next to a failed status.
    """
    if depth > _DEPTH:
        return None
    if isinstance(value, str):
        if _ERROR_TEXT.match(value):
            return f"the text at {path} reads as an error: {_short(value)}"
        return None
    if isinstance(value, list):
        for index, item in enumerate(value[:100]):
            found = error_report(item, f"{path}[{index}]", depth + 1)
            if found:
                return found
        return None
    if not isinstance(value, dict):
        return None
    keys = {_normal(str(key)): key for key in value}
    for normal, key in keys.items():
        if normal in ERROR_KEYS and _holds_text(value[key]):
            return f"an {key!r} key at {path} holds {_short(_first_text(value[key]))}"
    messages = [key for normal, key in keys.items() if normal in MESSAGE_KEYS and _holds_text(value[key])]
    if messages:
        envelope = all(normal in ERROR_KEYS | MESSAGE_KEYS | ENVELOPE_KEYS for normal in keys)
        if envelope or _failed(value, keys):
            key = messages[0]
            return f"a {key!r} key at {path} holds {_short(_first_text(value[key]))} and no result"
    for key, item in value.items():
        found = error_report(item, f"{path}.{key}", depth + 1)
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
    message = error.message.strip()
    first_line = message.splitlines()[0].strip() if message else ""
    short_name = error.type_name.rsplit(".", 1)[-1]
    for path, text in _texts(value):
        # Short texts ("0", "'a'") would be found by chance.
        for part in dict.fromkeys((message, first_line)):
            if len(part) >= 4 and part in text:
                return f"text at {path}"
        if re.search(rf"\b{re.escape(short_name)}\b", text):
            return f"class name {short_name} at {path}"
    return None


def _short(text: str, limit: int = 80) -> str:
    shown = json.dumps(text)
    return shown if len(shown) <= limit else shown[: limit - 2] + '…"'
