"""Compare two answers to the same request body, and name every place they differ.

Answers are compared as JSON, with every string that holds JSON (``json.dumps`` of a
dict returned by run(), or a field built that way) decoded first, so that a
difference inside it has a path of its own.

Some values change by themselves: a timing (``time_in_sec``), a timestamp, a request
id. A difference is *volatile*, and not held against the script, when its path was
named by the user (``--score-volatile-keys``) or when its key or both its values look
like a time, a duration, a date or an id (two clock readings a little apart, in any format
python-dateutil reads). Anything else that differs is a change of
answer.

Paths: ``$.a.b`` and ``a.b`` name key ``b`` inside key ``a``; list indices are
crossed, so ``items.id``, ``items[0].id`` and ``$.items[3].id`` all name the ``id``
of every item of ``items``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dateutil import parser as date_parser

from .observations import HttpResponse
from .wording import plural

#: What a Difference holds on the side where a key is absent.
MISSING = object()
_MISSING = MISSING
_SHOWN = 80
_DEPTH = 50

#: A key naming a clock reading, a duration or an id: its words (split at "_", "-", ".",
#: blanks and camelCase humps) hold one of these. "at" only as the last word (scored_at).
_TIME_WORDS = frozenset(
    {
        "time",
        "times",
        "timestamp",
        "ts",
        "date",
        "datetime",
        "duration",
        "elapsed",
        "latency",
        "took",
        "runtime",
        "ms",
        "msec",
        "millis",
        "milliseconds",
        "sec",
        "secs",
        "seconds",
        "ns",
        "us",
        "usec",
        "micros",
        "when",
        "created",
        "updated",
        "modified",
        "now",
        "clock",
        "uptime",
    }
)
_ID_WORDS = frozenset({"id", "ids", "uuid", "guid", "requestid", "correlation", "trace", "traceid", "nonce"})
#: A key whose whole subtree is timings ({"timings": {"predict": 0.12}}).
_TIMING_CONTAINERS = frozenset({"timing", "timings", "timer", "timers", "profiling", "latencies", "durations"})
_ISO_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?")
_CLOCK = re.compile(r"\d\d?:\d\d(:\d\d(\.\d+)?)?")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
_HEX_ID = re.compile(r"[0-9a-fA-F]{16,}")


def json_path(parts: Iterable[object]) -> str:
    """``["data", 0, "x"]`` → ``$.data[0].x``, as the failure texts write paths."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def keys_of(path: str) -> tuple[str, ...]:
    """``$.meta.request_id`` / ``items[0].id`` / ``meta.time`` → its keys, indices crossed."""
    text = path.strip()
    text = text[1:] if text.startswith("$") else text
    text = re.sub(r"\[\d*\]", "", text)
    return tuple(part for part in text.split(".") if part)


def parse_volatile(text: str) -> tuple[tuple[str, ...], ...]:
    """``"a.b, $.c[0].d"`` → (("a", "b"), ("c", "d"))."""
    return tuple(keys for item in text.split(",") if (keys := keys_of(item)))


def decode(value: object, depth: int = 0) -> object:
    """``value`` with every string that holds a JSON object or array replaced by what it holds."""
    if depth > _DEPTH:
        return value
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "[") and stripped[-1:] in ("}", "]"):
            try:
                return decode(json.loads(stripped), depth + 1)
            except (ValueError, RecursionError):
                return value
        return value
    if isinstance(value, dict):
        return {key: decode(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item, depth + 1) for item in value]
    return value


@dataclass(frozen=True)
class Difference:
    """One place where two answers differ."""

    #: "$.scores[0]", or "status" / "body" for what is not JSON.
    path: str
    #: The keys on the way, list indices crossed (what --score-volatile-keys names).
    keys: tuple[str, ...]
    before: object
    after: object
    #: Its key or both its values look like a time, a duration, a date or an id.
    looks_volatile: bool

    def __str__(self) -> str:
        if self.path in ("status", "body"):
            return f"{self.path}: {self.before} → {self.after}"
        if isinstance(self.before, list) and isinstance(self.after, list):
            return f"{self.path}: {_items(len(self.before))} → {_items(len(self.after))}"
        return f"{self.path}: {_shown(self.before)} → {_shown(self.after)}"


def differences(first: HttpResponse, again: HttpResponse, strict: bool = False) -> list[Difference]:
    """Every place where ``again`` differs from ``first`` (nothing when they are the same).

    ``strict``: an integer and a float of the same value differ (``1`` → ``1.0``: the answer's type changed, which a
    comparison of two versions holds against the new one; a repeat of one version never sees it)."""
    if first.status != again.status:
        return [Difference("status", (), first.status, again.status, False)]
    return body_differences(first.body, again.body, strict)


def body_differences(first: bytes, again: bytes, strict: bool = False) -> list[Difference]:
    """Every place where two answer bodies differ: as JSON (strings holding JSON decoded), else as bytes."""
    try:
        a, b = decode(json.loads(first)), decode(json.loads(again))
    except (ValueError, RecursionError):
        if first == again:
            return []
        before, after = (_short(body.decode("utf-8", "replace")) for body in (first, again))
        return [Difference("body", (), before, after, False)]
    return list(_diff(a, b, "$", (), strict))


def changes(found: Iterable[Difference], volatile: Iterable[tuple[str, ...]] = ()) -> list[Difference]:
    """The differences that are changes of answer: neither named volatile nor looking so."""
    named = set(volatile)
    return [d for d in found if not d.looks_volatile and d.keys not in named]


def describe(found: list[Difference], limit: int = 5) -> str:
    """``$.a: 1 → 2; $.b: "x" → "y"; and 3 more``."""
    shown = "; ".join(str(d) for d in found[:limit])
    return shown + (f"; and {len(found) - limit} more" if len(found) > limit else "")


def _diff(a: object, b: object, path: str, keys: tuple[str, ...], strict: bool = False) -> Iterator[Difference]:
    if len(keys) > _DEPTH:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            yield from _diff(a.get(key, _MISSING), b.get(key, _MISSING), f"{path}.{key}", (*keys, str(key)), strict)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield Difference(path, keys, a, b, _volatile_key(keys))
            return
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _diff(x, y, f"{path}[{index}]", keys, strict)
        return
    # 1 and 1.0 are one JSON number (unless ``strict``); True is not 1; NaN (not JSON, but the
    # server sends it) is the same answer as NaN.
    same_number = _number(a) and _number(b) and (a == b or _both_nan(a, b)) and not (strict and type(a) is not type(b))
    if a == b and type(a) is type(b) or same_number:
        return
    yield Difference(
        path, keys, a, b, _volatile_key(keys) or (_volatile_value(a) and _volatile_value(b)) or _clock_readings(a, b)
    )


def _words(key: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key)
    return [w for w in re.split(r"[\s_\-.:/]+", spaced.lower()) if w]


def _volatile_key(keys: tuple[str, ...]) -> bool:
    if not keys:
        return False
    if any(word in _TIMING_CONTAINERS for key in keys for word in _words(key)):
        return True
    words = _words(keys[-1])
    if not words:
        return False
    joined = "".join(words)
    return (
        any(w in _TIME_WORDS or w in _ID_WORDS for w in words)
        or joined in _ID_WORDS
        or (len(words) > 1 and words[-1] == "at")
    )


def _volatile_value(value: object) -> bool:
    """A clock reading or an id by its looks: an ISO date/time, a UUID, a long hex id, an epoch."""
    if isinstance(value, str):
        text = value.strip()
        return any(p.fullmatch(text) for p in (_ISO_DATE_TIME, _CLOCK, _UUID, _HEX_ID))
    if _number(value):
        number = float(value)  # type: ignore[arg-type]
        # Seconds or milliseconds since 1970, from 2001 to 2096.
        return 1e9 <= number < 4e9 or 1e12 <= number < 4e12
    return False


#: A time of day, which every clock reading with seconds holds: "23:06:49".
_TIME_OF_DAY = re.compile(r"\b\d{1,2}:\d\d\b")
#: Two readings of one clock are this close: a repeat comes seconds or minutes after the first call.
_CLOCK_SPAN = timedelta(hours=6)


def _clock_readings(a: object, b: object) -> bool:
    """Two texts that read as the same clock a little later, in any common format: ``time.ctime()``
    ("Fri Dec  4 23:06:49 2026"), RFC 2822 (``email.utils.formatdate()``), "04/12/2026 23:06:49".

    python-dateutil reads the format (a hand list of formats would miss the next one). It also reads
    "3", "1.5" or "May" as dates, so a text counts only when it holds a time of day and is not a number,
    and the two readings must lie within hours of each other: a predicted date that moved by a day
    is a change of answer."""
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    first, second = _clock_reading(a), _clock_reading(b)
    if not first or not second:
        return False
    return any(abs(x - y) <= _CLOCK_SPAN for x in first for y in second)


def _clock_reading(text: str) -> list[datetime]:
    """What ``text`` reads as, month first and day first (04/12 is either), as naive UTC; [] when it is no clock."""
    text = text.strip()
    if len(text) > 64 or not _TIME_OF_DAY.search(text) or is_number(text):
        return []
    found = []
    for dayfirst in (False, True):
        try:
            moment = date_parser.parse(text, dayfirst=dayfirst)
        except (ValueError, OverflowError):
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        found.append(moment)
    return found


def is_number(text: str) -> bool:
    """Whether ``text`` reads as a number (``float()`` takes it)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _items(count: int) -> str:
    return f"{count} {plural(count, 'item')}"


def _both_nan(a: object, b: object) -> bool:
    return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def shown_value(value: object) -> str:
    """One side of a difference as the failure texts show it: JSON, shortened; ``(absent)`` for a missing key."""
    return _shown(value)


def _shown(value: object) -> str:
    if value is _MISSING:
        return "(absent)"
    try:
        return _short(json.dumps(value))
    except (TypeError, ValueError):
        return _short(repr(value))


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
