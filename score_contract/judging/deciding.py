"""Which place of a request body decided a failure: a failing body and a passing one that
differ in that one place, and nowhere else.

A failure text that blames the wrong field sends the user to the wrong fix: an AutoML
script failed on ``GlobalParameters.method`` (any string the contract allows but
"predict" makes it raise) and was explained by the one-row frame in ``Inputs.data``
beside it. Two bodies that differ in one place only are evidence of what decided: the
contract's boundaries are built that way (one base changed in one place), and the
exploration sends the smallest failing body with one place taken from a passing body
(:func:`crossings`) when no such pair was sent.

Pure functions over parsed JSON bodies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..core.compare import json_path
from ..core.observations import NOT_JSON, Body

#: Marks a key one of two bodies does not have.
ABSENT = object()
Parts = tuple[str | int, ...]
#: At most this many places are tried when bodies differ in many (see crossings).
MAX_CROSSINGS = 12


@dataclass(frozen=True)
class Decision:
    """The one place where a failing body and a passing one differ."""

    parts: Parts
    failed: object
    passed: object
    #: The failing body of the pair, and where the passing one came from ("the decorators' sample"...).
    failing: Body
    passed_source: str

    @property
    def path(self) -> str:
        return json_path(self.parts)

    def describe(self, shown: Body | None = None) -> str:
        """``decided by $.GlobalParameters.method: the same body with "predict" there passes (as in the
        decorators' sample), with "" it fails.`` ``shown``: the body the failure shows."""
        source = f" (as in {self.passed_source})" if self.passed_source else ""
        body = "the same body" if self.failing is shown else "a failing body"
        if self.passed is ABSENT:
            passing = f"{body} without {self.path} passes{source}"
        else:
            passing = f"{body} with {_shown(self.passed)} there passes{source}"
        failing = "without it, it fails" if self.failed is ABSENT else f"with {_shown(self.failed)}, it fails"
        return f"decided by {self.path}: {passing}; {failing}."


def places(a: object, b: object, parts: Parts = ()) -> Iterator[tuple[Parts, object, object]]:
    """Every place where ``a`` and ``b`` differ, innermost: keys one side lacks, lists of other
    lengths (as one place), values. 1 and 1.0 are one JSON number."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            yield from places(a.get(key, ABSENT), b.get(key, ABSENT), (*parts, key))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from places(x, y, (*parts, index))
    elif not _same(a, b):
        yield parts, a, b


def decision(failing: Sequence[Body], passing: Sequence[Body]) -> Decision | None:
    """The deepest place that alone separates a failing body from a passing one, or None.

    Among pairs that differ in one place only, the deepest place is the most precise
    ("$.GlobalParameters.method" rather than "$.GlobalParameters"); at one depth, the
    first failing body (the one the failure shows) and a passing sample come first."""
    parsed_passing = [(body, value) for body in passing if (value := body.parsed()) is not NOT_JSON]
    best: Decision | None = None
    for body in failing:
        value = body.parsed()
        if value is NOT_JSON:
            continue
        for other, other_value in parsed_passing:
            found = list(_first_places(value, other_value, 2))
            if len(found) != 1:
                continue
            parts, failed, passed = found[0]
            if best is None or len(parts) > len(best.parts):
                best = Decision(parts, failed, passed, body, other.source)
    return best


def crossings(failed: object, passed: object) -> list[tuple[Parts, object]]:
    """``failed`` with one of the places where it differs from ``passed`` taken from ``passed``,
    one candidate per place (at most MAX_CROSSINGS): sent, a candidate that passes names the
    place that decided."""
    found = []
    for parts, _, value in _first_places(failed, passed, MAX_CROSSINGS):
        found.append((parts, put(failed, parts, value)))
    return found


def put(value: object, parts: Parts, new: object) -> object:
    """``value`` with ``new`` at ``parts`` (ABSENT removes the key); containers on the way are copied."""
    if not parts:
        return new
    head, rest = parts[0], parts[1:]
    if isinstance(value, dict):
        inner = put(value.get(head, ABSENT), rest, new) if rest else new
        copied = {k: v for k, v in value.items() if k != head or inner is not ABSENT}
        if inner is not ABSENT:
            copied[str(head)] = inner
        return copied
    assert isinstance(value, list) and isinstance(head, int)
    return [*value[:head], put(value[head], rest, new), *value[head + 1 :]]


def _first_places(a: object, b: object, limit: int) -> Iterator[tuple[Parts, object, object]]:
    for count, found in enumerate(places(a, b)):
        if count >= limit:
            return
        yield found


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _shown(value: object) -> str:
    if isinstance(value, list):
        return f"{len(value)} {'item' if len(value) == 1 else 'items'}"
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:59] + "…"
