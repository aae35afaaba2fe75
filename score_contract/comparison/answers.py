"""Two answers to one request body, compared: what differs, what is within the tolerance, what was accepted.

The places that differ are :func:`score_contract.core.compare.body_differences`' (JSON, strings holding JSON decoded,
list indices crossed in the keys), asked strictly: ``1`` and ``1.0`` differ, for a client that indexes a list with
the class it was sent breaks when it becomes a float. Each place is then one of:

- **volatile**: a value that changes by itself (a time, an id, by its key or its values; ``--score-volatile-keys``),
  left out as ``answers_are_repeatable`` leaves it out;
- **accepted**: under a path of ``--score-accept-changes``, counted and shown, not held against the new version;
- **within the tolerance**: two floats that ``--score-tolerance`` calls the same (see core.tolerance); integers are
  exact (a count, a class index);
- **different**: anything else. A string, an integer or a boolean that changed is also a **flip**: answers that
  look like labels or class indices (``"approved"`` → ``"declined"``, class ``1`` → ``0``).

The shape of an answer (for ``contract_is_backward_compatible`` when the old version declares no output schema) is
every path it holds with the JSON types found there, list items crossed: a path the old answer holds that the new one
lacks was removed (or renamed), a path whose types share none changed type. ``null`` on either side is compatible
(an optional value), as are paths under a list the new answer holds empty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..core.compare import Difference, body_differences, changes, decode, keys_of
from ..core.tolerance import Tolerance


@dataclass(frozen=True)
class Numeric:
    """Two numbers apart at one place."""

    difference: Difference
    absolute: float
    relative: float


@dataclass(frozen=True)
class Answers:
    """Where two answers to one body differ, by what it means."""

    different: tuple[Difference, ...] = ()
    within: tuple[Numeric, ...] = ()
    accepted: tuple[Difference, ...] = ()
    #: Every numeric difference, within the tolerance or not (the largest is reported).
    numeric: tuple[Numeric, ...] = ()

    @property
    def identical(self) -> bool:
        return not (self.different or self.within or self.accepted)

    @property
    def flips(self) -> tuple[Difference, ...]:
        """The differences of labels or class indices: a string, an integer or a boolean that changed."""
        return tuple(d for d in self.different if is_flip(d))


def is_flip(difference: Difference) -> bool:
    a, b = difference.before, difference.after
    return any(isinstance(a, kind) and isinstance(b, kind) for kind in (str, bool)) or (
        type(a) is int and type(b) is int
    )


def compare_answers(
    before: bytes,
    after: bytes,
    tolerance: Tolerance,
    volatile: tuple[tuple[str, ...], ...] = (),
    accepted: tuple[str, ...] = (),
) -> Answers:
    """``before``: the old version's (or production's) answer body; ``after``: the new version's."""
    found = changes(body_differences(before, after, strict=True), volatile)
    accepted_keys = [keys_of(path) for path in accepted]
    different: list[Difference] = []
    within: list[Numeric] = []
    kept: list[Difference] = []
    numeric: list[Numeric] = []
    for difference in found:
        if any(difference.keys[: len(keys)] == keys for keys in accepted_keys):
            kept.append(difference)
            continue
        apart = _apart(difference)
        if apart is not None:
            numeric.append(apart)
            if tolerance.within(difference.keys, float(difference.before), float(difference.after)):  # type: ignore[arg-type]
                within.append(apart)
                continue
        different.append(difference)
    return Answers(tuple(different), tuple(within), tuple(kept), tuple(numeric))


def _apart(difference: Difference) -> Numeric | None:
    """Two floats apart (integers are labels, class indices or counts: they flip, they are not near; an integer and
    a float differ in type, not by an amount)."""
    a, b = difference.before, difference.after
    if not isinstance(a, float) or not isinstance(b, float):
        return None
    x, y = a, b
    absolute = abs(x - y)
    largest = max(abs(x), abs(y))
    return Numeric(difference, absolute, absolute / largest if largest else 0.0)


# -- shapes ------------------------------------------------------------------------------------------------------


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _shape(value: object, path: str, found: dict[str, set[str]], empty: set[str]) -> None:
    found.setdefault(path, set()).add(_json_type(value))
    if isinstance(value, dict):
        for key, item in value.items():
            _shape(item, f"{path}.{key}", found, empty)
    elif isinstance(value, list):
        if not value:
            empty.add(path)
        for item in value:
            _shape(item, f"{path}[]", found, empty)
    elif value is None:
        empty.add(path)


def shape_breaks(before: bytes, after: bytes, ignored: tuple[tuple[str, ...], ...] = ()) -> tuple[str, ...]:
    """What the new answer lost of the old one's shape: ``$.probabilities removed``, ``$.label: number → string``.
    Nothing when either is not JSON (a status or a body compared as bytes says that already). ``ignored``: paths
    (keys, list indices crossed) that may change: volatile or accepted."""
    try:
        old, new = decode(json.loads(before)), decode(json.loads(after))
    except (ValueError, RecursionError):
        return ()
    old_shape: dict[str, set[str]] = {}
    new_shape: dict[str, set[str]] = {}
    old_empty: set[str] = set()
    new_empty: set[str] = set()
    _shape(old, "$", old_shape, old_empty)
    _shape(new, "$", new_shape, new_empty)
    breaks: list[str] = []
    for path, types in old_shape.items():
        kinds = types - {"null"}
        keys = keys_of(path)
        if not kinds or any(keys[: len(i)] == i for i in ignored):
            continue
        if path not in new_shape:
            if not any(path.startswith(e + ".") or path.startswith(e + "[]") for e in new_empty):
                breaks.append(f"{path} removed")
            continue
        now = new_shape[path] - {"null"}
        if now and not now & kinds:
            breaks.append(f"{path}: {' or '.join(sorted(kinds))} → {' or '.join(sorted(now))}")
    # A parent removed says it for its children.
    removed = [b.removesuffix(" removed") for b in breaks if b.endswith(" removed")]
    return tuple(b for b in breaks if not any(b.startswith((r + ".", r + "[]")) for r in removed))
