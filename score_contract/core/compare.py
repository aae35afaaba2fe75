"""Compare two answers to the same request body, and name where they differ.

Volatile paths (request ids, timestamps) are left out: ``a.b`` names key ``b``
inside key ``a``; lists on the way are crossed, so ``items.id`` covers the
``id`` of every item of ``items``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

from .observations import HttpResponse

_MISSING = object()
_SHOWN = 80


def json_path(parts: Iterable[object]) -> str:
    """``["data", 0, "x"]`` → ``$.data[0].x``, as the failure texts write paths."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def parse_volatile(text: str) -> tuple[tuple[str, ...], ...]:
    """``"a.b, c"`` → (("a", "b"), ("c",))."""
    return tuple(tuple(part for part in item.strip().split(".")) for item in text.split(",") if item.strip())


def first_difference(first: HttpResponse, again: HttpResponse, volatile: Iterable[tuple[str, ...]] = ()) -> str | None:
    """Where ``again`` differs from ``first``, e.g. ``$.scores[0]: 0.25 → 0.75``; None when the same."""
    if first.status != again.status:
        return f"status: {first.status} → {again.status}"
    try:
        a, b = json.loads(first.body), json.loads(again.body)
    except (ValueError, RecursionError):
        if first.body == again.body:
            return None
        return (
            f"body: {_short(first.body.decode('utf-8', 'replace'))} → {_short(again.body.decode('utf-8', 'replace'))}"
        )
    return _diff(a, b, "$", (), tuple(volatile))


def _is_volatile(keys: tuple[str, ...], volatile: tuple[tuple[str, ...], ...]) -> bool:
    return keys in volatile


def _diff(a: object, b: object, path: str, keys: tuple[str, ...], volatile: tuple[tuple[str, ...], ...]) -> str | None:
    if _is_volatile(keys, volatile):
        return None
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            found = _diff(a.get(key, _MISSING), b.get(key, _MISSING), f"{path}.{key}", (*keys, str(key)), volatile)
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items → {len(b)} items"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _diff(x, y, f"{path}[{index}]", keys, volatile)
            if found:
                return found
        return None
    # 1 and 1.0 are one JSON number; True is not 1; NaN (not JSON, but the
    # server sends it) is the same answer as NaN.
    if a == b and type(a) is type(b) or (_number(a) and _number(b) and (a == b or _both_nan(a, b))):
        return None
    return f"{path}: {_shown(a)} → {_shown(b)}"


def _both_nan(a: object, b: object) -> bool:
    return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(value: object) -> str:
    if value is _MISSING:
        return "(absent)"
    return _short(json.dumps(value))


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
