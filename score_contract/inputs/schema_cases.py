"""Deterministic valid edge cases of a JSON Schema: values on its boundaries, and values with a key it does not name.

This is what schemathesis calls its coverage phase. Every case is one base value changed in one place (its
"location"): an array at its shortest and longest, an optional key absent or present, a number on its bound.
Varying one location at a time keeps the list short and each case readable, where a cartesian product would
explode. The base value has every optional key present and at least one item in every array, so that every location
exists; the smallest valid value comes first in `boundary_values`. ``schema_mistakes`` walks the same locations
for invalid values.

Every value is built by hand from the keywords; where that fails (a pattern, a schema made of ``not``) the
``minimal`` callback given by ``strategies`` asks Hypothesis for its smallest example. The validator has the last
word: a value that does not validate is dropped.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from .json_schemas import Reader, Sub, float_range, freeze, int_range

NO_VALUE: Final = object()  # "no value fits here", where None would be JSON null
Minimal = Callable[[Sub], object]
Path = tuple[str | int, ...]

NON_ASCII = ("é", "東京", "😀")
FORMAT_EXAMPLES = {
    "date": ["2000-01-01", "1999-12-31", "2000-02-29"],
    "date-time": ["2000-01-01T00:00:00Z", "1999-12-31T23:59:59.999999+05:30"],
    "time": ["00:00:00Z", "23:59:59+01:00"],
    "email": ["a@example.com"],
    "uuid": ["00000000-0000-0000-0000-000000000000", "123e4567-e89b-12d3-a456-426614174000"],
    "ipv4": ["0.0.0.0", "255.255.255.255"],
    "ipv6": ["::", "::1", "2001:db8::ff00:42:8329"],
    "hostname": ["example.com"],
    "uri": ["https://example.com/", "https://example.com/a/b?c=1#d"],
}


def boundary_values(reader: Reader, minimal: Minimal, limit: int) -> list[object]:
    cases = Cases(reader, minimal)
    found = Found(reader.check.is_valid, expect_valid=True, limit=limit)
    smallest, base = cases.simplest(reader.root), cases.simplest(reader.root, rich=True)
    if smallest is NO_VALUE:
        return []
    found.add("", smallest)
    found.add("", base)
    for path, sub, value in cases.locations(reader.root, base):
        for alternative in cases.edges(sub, value):
            if not found.add("", put(base, path, alternative)):
                return [value for _, value in found.items]
    return [value for _, value in found.items]


def unknown_key_values(reader: Reader, minimal: Minimal, limit: int) -> list[tuple[str, object]]:
    cases = Cases(reader, minimal)
    found = Found(reader.check.is_valid, expect_valid=True, limit=limit)
    base = cases.simplest(reader.root, rich=True)
    for path, sub, value in cases.locations(reader.root, base) if base is not NO_VALUE else ():
        node = reader.expand(sub)
        if not isinstance(value, dict) or node is None or not isinstance(node.schema, dict):
            continue
        key = fresh_key(node.schema)
        place_of_key = reader.property(node, key)
        check = reader.local(place_of_key.schema)
        extra = next(
            (v for v in ("unexpected", cases.simplest(place_of_key)) if v is not NO_VALUE and check.is_valid(v)),
            NO_VALUE,
        )
        if extra is not NO_VALUE and not found.add(
            f"unknown key {key!r}{within(path)}", put(base, path, {**value, key: extra})
        ):
            break
    return found.items


class Found:
    """The cases kept so far: deduplicated, judged by the validator, at most ``limit``."""

    def __init__(self, is_valid: Callable[[object], bool], expect_valid: bool, limit: int) -> None:
        self.is_valid, self.expect_valid, self.limit = is_valid, expect_valid, limit
        self.items: list[tuple[str, object]] = []
        self.seen: set[str] = set()

    def add(self, description: str, value: object) -> bool:
        """Keep the value if it is new and judged as expected; False once the list is full."""
        if len(self.items) >= self.limit:
            return False
        key = json.dumps(value, sort_keys=True)
        if key not in self.seen and self.is_valid(value) == self.expect_valid:
            self.seen.add(key)
            self.items.append((description, copy.deepcopy(value)))
        return len(self.items) < self.limit


class Cases:
    """Builds the values of one schema's locations: the simplest, the base, the edges of each."""

    def __init__(self, reader: Reader, minimal: Minimal) -> None:
        self.reader, self.minimal = reader, minimal
        self.memo: dict[tuple[int, tuple[int, ...], bool], tuple[object, object]] = {}

    def simplest(self, sub: Sub, rich: bool = False) -> object:
        """The simplest value of a subschema; with ``rich``, optional keys present and arrays not empty."""
        key = (id(sub.schema), sub.trail, rich)
        if key in self.memo and self.memo[key][0] is sub.schema:  # the schema is kept so its id is not reused
            return self.memo[key][1]
        node = self.reader.expand(sub)
        value: object = NO_VALUE
        if node is not None and node.schema is not False:
            check = self.reader.local(sub.schema)
            tries = (v for v in self._candidates(node, rich) if v is not NO_VALUE and check.is_valid(v))
            value = next(tries, NO_VALUE)
            value = self.minimal(sub) if value is NO_VALUE else value
        self.memo[key] = (sub.schema, value)
        return value

    def _candidates(self, node: Sub, rich: bool) -> Iterator[object]:
        schema = node.schema
        if schema is True:
            yield None
        elif "const" in schema or "enum" in schema:
            yield from [schema["const"]] if "const" in schema else schema["enum"]
        elif self.reader.branching(schema):
            yield from (self.simplest(branch, rich) for branch in self.reader.branches(node))
        else:
            for name in self.reader.types(schema):
                yield from self._typed(name, node, rich)

    def _typed(self, name: str, node: Sub, rich: bool) -> Iterator[object]:
        schema = node.schema
        if name in ("null", "boolean"):
            yield None if name == "null" else False
        elif name in ("integer", "number"):
            yield from _numbers(schema, name == "integer")
        elif name == "string":
            low = schema.get("minLength", 0)
            yield from FORMAT_EXAMPLES.get(schema.get("format", ""), [])
            if "pattern" in schema:
                yield self.minimal(self.reader.child(node, {**schema, "type": "string"}))
            yield "a" * low
        elif name == "array":
            yield self._array(node, rich)
        else:
            yield self._object(node, rich)

    def _array(self, node: Sub, rich: bool) -> object:
        schema, out = node.schema, list[object]()
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        length = max(low, 1) if rich and (high is None or high >= 1) else low
        wanted = schema.get("minContains", 1) if "contains" in schema and "prefixItems" not in schema else 0
        for index in range(max(length, wanted)):
            sub = self.reader.item(node, index)
            if index < wanted:
                sub = self.reader.child(node, {"allOf": [schema.get("items", True), schema["contains"]]})
            value = self._distinct(sub, out, rich) if schema.get("uniqueItems") else self.simplest(sub, rich)
            if value is NO_VALUE:
                return out if index >= low else NO_VALUE
            out.append(value)
        return out

    def _distinct(self, sub: Sub, taken: Sequence[object], rich: bool) -> object:
        used = {freeze(v) for v in taken}
        check = self.reader.local(sub.schema)
        first = self.simplest(sub, rich)
        tries = [first, *self.edges(sub, first)] if first is not NO_VALUE else []
        return next((v for v in tries if freeze(v) not in used and check.is_valid(v)), NO_VALUE)

    def _object(self, node: Sub, rich: bool) -> object:
        schema, out = node.schema, dict[str, object]()
        required = schema.get("required", [])
        names = list(dict.fromkeys([*schema.get("properties", {}), *required]))
        for key in names:
            if key in required or rich or len(out) < schema.get("minProperties", 0):
                value = self.simplest(self.reader.property(node, key), rich)
                if value is NO_VALUE and key in required:
                    return NO_VALUE
                if value is not NO_VALUE:
                    out[key] = value
        for key, needs in schema.get("dependentRequired", {}).items():
            for need in needs if key in out else []:
                out.setdefault(need, self.simplest(self.reader.property(node, need)))
        for number in range(schema.get("minProperties", 0) - len(out)):
            out[f"key{number}"] = self.simplest(self.reader.property(node, f"key{number}"))
        if NO_VALUE in out.values():
            return NO_VALUE
        while rich and len(out) > schema.get("maxProperties", len(out)) and set(out) - set(required):
            out.pop([k for k in out if k not in required][-1])
        return out

    def locations(self, sub: Sub, value: object, path: Path = ()) -> Iterator[tuple[Path, Sub, object]]:
        """Every place in ``value`` with the subschema that governs it, outermost first."""
        yield path, sub, value
        node = self.reader.expand(sub)
        if node is not None and self.reader.branching(node.schema):
            branches = [b for b in self.reader.branches(node) if self.reader.local(b.schema).is_valid(value)]
            node = self.reader.expand(branches[0]) if branches else None
        if node is None or not isinstance(node.schema, dict):
            return
        if isinstance(value, dict):
            for key, item in value.items():
                yield from self.locations(self.reader.property(node, key), item, (*path, key))
        elif isinstance(value, list):
            fixed = len(node.schema.get("prefixItems", []))
            for index in [*range(min(fixed, len(value))), *([fixed] if len(value) > fixed else [])]:
                yield from self.locations(self.reader.item(node, index), value[index], (*path, index))

    def edges(self, sub: Sub, value: object) -> list[object]:
        """Other values for one location: its bounds, enum members, branches, other types, optional keys."""
        node = self.reader.expand(sub)
        if node is None or node.schema is False:
            return []
        if node.schema is True:
            return [None, 0, "", [], {}]
        schema: dict[str, Any] = node.schema
        if "const" in schema or "enum" in schema:
            return [schema["const"]] if "const" in schema else list(schema["enum"])
        if self.reader.branching(schema):
            branches = self.reader.branches(node)
            simplest = [self.simplest(b, rich) for rich in (False, True) for b in branches]
            return [v for v in simplest if v is not NO_VALUE] + [
                edge for b in branches if self.reader.local(b.schema).is_valid(value) for edge in self.edges(b, value)
            ]
        other_types = [
            self.simplest(self.reader.child(node, {**schema, "type": t}), rich=True)
            for t in self.reader.types(schema)
            if t != _type_of(value)
        ]
        if isinstance(value, bool):
            mine: list[object] = [False, True]
        elif isinstance(value, (int, float)):
            mine = list(_numbers(schema, "number" not in self.reader.types(schema), edges=True))
        elif isinstance(value, str):
            mine = self._string_edges(schema, value)
        elif isinstance(value, list):
            mine = self._array_edges(node, value)
        elif isinstance(value, dict):
            mine = self._object_edges(node, value)
        else:
            mine = []
        return [v for v in mine + other_types if v is not NO_VALUE]

    def _string_edges(self, schema: dict[str, Any], value: str) -> list[object]:
        if schema.get("format") in FORMAT_EXAMPLES:
            return list(FORMAT_EXAMPLES[schema["format"]])
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        lengths = [low, *([high] if high is not None else [])]
        padded = [value + (value[-1:] or "a") * (n - len(value)) if n > len(value) else value[:n] for n in lengths]
        # Where a lone "é" cannot be valid, try it inside the valid string.
        inside = [value + c for c in NON_ASCII] if "pattern" in schema or low > 1 else []
        return ["", *padded, *NON_ASCII, *inside]

    def _array_edges(self, node: Sub, value: list[object]) -> list[object]:
        schema = node.schema
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        lengths = [low, low + 1, high if high is not None else max(10, low + 2), 0, 1]
        out: list[object] = []
        for length in dict.fromkeys(n for n in lengths if n >= low and (high is None or n <= high)):
            items = list(value[:length])
            while len(items) < length:
                sub = self.reader.item(node, len(items))
                item = self._distinct(sub, items, False) if schema.get("uniqueItems") else self.simplest(sub)
                if item is NO_VALUE:
                    break
                items.append(item)
            if len(items) == length:
                out.append(items)
        return out

    def _object_edges(self, node: Sub, value: dict[str, object]) -> list[object]:
        schema = node.schema
        required = schema.get("required", [])
        optional = [k for k in schema.get("properties", {}) if k not in required]
        full = dict(value)
        for key in optional:
            if key not in full and (extra := self.simplest(self.reader.property(node, key))) is not NO_VALUE:
                full[key] = extra
        bare = {k: v for k, v in full.items() if k not in optional}
        present = [k for k in optional if k in full]
        out: list[object] = [bare, full]
        out += [{**bare, key: full[key]} for key in present]
        out += [{k: v for k, v in full.items() if k != key} for key in present]
        if not schema.get("properties") and (extra := self.simplest(self.reader.property(node, "key"))) is not NO_VALUE:
            out += [{**value, "key": extra}, {**value, "key": extra, "key2": extra}]  # a map: one, two more entries
        return out


def _numbers(schema: dict[str, Any], integer: bool, edges: bool = False) -> Iterator[object]:
    """Numbers the bounds allow: the one nearest 0 first; with ``edges``, each bound and 0, -1, 1 as well."""
    low, high = int_range(schema)
    step = schema.get("multipleOf")
    ints = [0, -1, 1, *(b for b in (low, high) if b is not None)]
    reals: list[float] = [] if integer else [0.5, -0.5]
    f_low, low_open, f_high, high_open = float_range(schema)
    if not integer and f_low is not None:
        reals.append(math.nextafter(f_low, math.inf) if low_open else f_low)
    if not integer and f_high is not None:
        reals.append(math.nextafter(f_high, -math.inf) if high_open else f_high)
    found = [min(max(n, low if low is not None else n), high if high is not None else n) for n in ints] + reals
    if step:
        found = [m for n in found for m in (math.floor(n / step) * step, math.ceil(n / step) * step)]
        found = [int(m) if isinstance(step, int) else m for m in found]
    yield from (dict.fromkeys(found) if edges else found[:1] + sorted(found, key=abs))


def put(value: object, path: Path, new: object) -> object:
    """``value`` with ``new`` at ``path``; containers on the way are copied, key order kept."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, str(head): put(value[head], rest, new)}
    assert isinstance(value, list) and isinstance(head, int)
    return [*value[:head], put(value[head], rest, new), *value[head + 1 :]]


def _type_of(value: object) -> str:
    if value is None or isinstance(value, bool):
        return "null" if value is None else "boolean"
    names = {int: "integer", float: "number", str: "string", list: "array", dict: "object"}
    return names.get(type(value), "")


def fresh_key(schema: dict[str, Any]) -> str:
    """A key no property and no patternProperties pattern names."""
    patterns = list(schema.get("patternProperties", {}))
    for number in range(100):
        key = "unexpected_key" + (f"_{number}" if number else "")
        if key not in schema.get("properties", {}) and not any(re.search(p, key) for p in patterns):
            return key
    return "unexpected_key"


def place(path: Path) -> str:
    """How a location reads: "the body", "'data'", "'input_data.data[0]'"."""
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return "the body" if not path else f"the body{text}" if text.startswith("[") else f"'{text}'"


def within(path: Path) -> str:
    return f" in {place(path)}" if path else ""
