"""How far two numbers of two answers may lie apart and still be the same answer (``--score-tolerance``).

Two versions of a script rarely compute a float bit for bit alike: a refactor that adds in another order, or
divides where it multiplied by the inverse, moves the last digits (1e-16 relative). A number is within the
tolerance when ``math.isclose(a, b, rel_tol=rel, abs_tol=abs)`` holds — the standard library's rule, written by
hand nowhere here: ``|a - b| <= max(rel * max(|a|, |b|), abs)``.

The notation: a comma list of items, each ``[PATH] rel=X abs=Y`` (either or both). An item without a path sets
the default; an item with one sets it for that path and everything under it, in the notation of
``--score-volatile-keys`` (``$.probabilities``, ``items[0].score``: list indices crossed). The longest path that
holds a number wins; what an item leaves out comes from the default. Example:
``rel=1e-6, $.probabilities abs=1e-4, $.meta.temperature rel=0.05``.

The default is tight (relative 1e-9, absolute 1e-12): float noise passes, a changed digit does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import UsageError
from .compare import is_number, keys_of

DEFAULT_REL = 1e-9
DEFAULT_ABS = 1e-12


@dataclass(frozen=True)
class Bounds:
    rel: float = DEFAULT_REL
    abs: float = DEFAULT_ABS

    def __str__(self) -> str:
        return f"rel={self.rel:g} abs={self.abs:g}"


@dataclass(frozen=True)
class Tolerance:
    default: Bounds = Bounds()
    #: (keys of the path, its bounds), as given.
    paths: tuple[tuple[tuple[str, ...], Bounds], ...] = ()
    #: The paths as the user wrote them, for messages.
    written: tuple[str, ...] = ()

    def at(self, keys: tuple[str, ...]) -> Bounds:
        """The bounds of the number at ``keys`` (list indices crossed): the longest path holding it, else the
        default."""
        found = [(len(path), bounds) for path, bounds in self.paths if keys[: len(path)] == path]
        return max(found, key=lambda item: item[0])[1] if found else self.default

    def within(self, keys: tuple[str, ...], a: float, b: float) -> bool:
        bounds = self.at(keys)
        return math.isclose(a, b, rel_tol=bounds.rel, abs_tol=bounds.abs)

    def __str__(self) -> str:
        items = [str(self.default)]
        items += [f"{written} {bounds}" for written, (_, bounds) in zip(self.written, self.paths, strict=True)]
        return ", ".join(items)


def parse_tolerance(text: str, shown: str = "") -> Tolerance:
    """``"rel=1e-6, $.p abs=1e-4"`` → a Tolerance; a mistake is a UsageError naming ``shown`` (the option as given)."""
    shown = shown or text
    default: dict[str, float] | None = None
    items: list[tuple[str, dict[str, float]]] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        words = item.split()
        path = "" if "=" in words[0] else words.pop(0)
        if not words and is_number(path):
            raise UsageError(f"{shown}: say which bound {path} is: rel={path} (relative) or abs={path} (absolute).")
        if not words:
            raise UsageError(f"{shown}: {path} has no bound: write {path} rel=X or {path} abs=X.")
        values: dict[str, float] = {}
        for word in words:
            name, equals, value = word.partition("=")
            if not equals or name not in ("rel", "abs"):
                raise UsageError(
                    f"{shown}: {word!r} is not rel=X or abs=X (e.g. 'rel=1e-6, $.probabilities abs=1e-4')."
                )
            values[name] = _bound(value, f"{shown}: {word}")
        if path and not keys_of(path):
            raise UsageError(f"{shown}: {path!r} names no key of the answer.")
        if path:
            items.append((path, values))
        elif default is not None:
            raise UsageError(f"{shown}: the default is given twice; write both bounds in one item: 'rel=X abs=Y'.")
        else:
            default = values
    base = Bounds(**(default or {}))
    # What a path leaves out comes from the default, wherever the default was written.
    paths = tuple((keys_of(path), Bounds(**{**vars(base), **values})) for path, values in items)
    return Tolerance(base, paths, tuple(path for path, _ in items))


def _bound(value: str, shown: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"{shown}: not a number.") from None
    if not number >= 0 or math.isinf(number):
        raise UsageError(f"{shown}: a tolerance is a finite number, 0 or more.")
    return number
