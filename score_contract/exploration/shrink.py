"""Shrink a failing body that Hypothesis did not generate (a sample, a boundary).

Hypothesis shrinks what it generates, but only through its own choice
sequences: a body from elsewhere cannot be handed to it. This greedy shrinker
tries, in order, fewer array items, fewer object keys, then simpler values,
keeping a candidate only when it is still valid under the contract and still
breaks the same check; it stops after a fixed number of sends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

#: Most bodies sent while shrinking one failure.
BUDGET = 300


def shrink(value: object, still_fails: Callable[[object], bool], budget: int = BUDGET) -> object:
    """The smallest variant of ``value`` for which ``still_fails`` holds."""
    improved = True
    while improved and budget > 0:
        improved = False
        for candidate in _candidates(value):
            budget -= 1
            if still_fails(candidate):
                value, improved = candidate, True
                break
            if budget <= 0:
                break
    return value


def _candidates(value: object) -> Iterator[object]:
    """Smaller variants of ``value``, the biggest reductions first."""
    yield from _structural(value)
    yield from _simpler(value)


def _structural(value: object) -> Iterator[object]:
    if isinstance(value, list):
        n = len(value)
        if n > 1:
            yield value[: n // 2]
            yield value[n // 2 :]
        for index in range(n):
            yield value[:index] + value[index + 1 :]
        for index, item in enumerate(value):
            for smaller in _structural(item):
                yield value[:index] + [smaller] + value[index + 1 :]
    elif isinstance(value, dict):
        for key in value:
            yield {k: v for k, v in value.items() if k != key}
        for key, item in value.items():
            for smaller in _structural(item):
                yield {**value, key: smaller}


def _simpler(value: object) -> Iterator[object]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            for simpler in _simpler(item):
                yield value[:index] + [simpler] + value[index + 1 :]
    elif isinstance(value, dict):
        for key, item in value.items():
            for simpler in _simpler(item):
                yield {**value, key: simpler}
    else:
        yield from _simpler_leaf(value)


def _simpler_leaf(value: Any) -> Iterator[object]:
    if isinstance(value, bool):
        if value:
            yield False
    elif isinstance(value, int):
        if value != 0:
            yield 0
            if value < 0:
                yield -value
    elif isinstance(value, float):
        if value != 0:
            yield 0
            if value != int(value) and abs(value) < 2**53:
                yield int(value)
            if value < 0:
                yield -value
    elif isinstance(value, str):
        if value:
            yield ""
            if len(value) > 1:
                yield value[:1]
            if value[:1] != "0":
                yield "0" * len(value)
