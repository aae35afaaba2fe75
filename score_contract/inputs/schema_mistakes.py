"""Invalid values just past the edges of a JSON Schema, each with a sentence saying what is wrong.

Like the boundary values in ``schema_cases``, each is the base value changed in one place: the wrong type there,
a required key missing, an unknown key where additionalProperties is false, one item or character or unit past a
bound, a string outside its pattern, enum or format. The validator has the last word: a "mistake" that still
validates (another anyOf branch accepts it, say) is dropped.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .json_schemas import TYPES, Reader, Sub, int_range
from .schema_cases import NO_VALUE, Cases, Found, Minimal, Path, fresh_key, place, put, within

FORMAT_MISTAKES = {
    "date": "2000-13-45",
    "date-time": "2000-01-01 25:00",
    "time": "25:00:00",
    "email": "nobody",
    "uuid": "not-a-uuid",
    "ipv4": "256.0.0.1",
    "ipv6": "::g",
    "hostname": "-bad-",
    "uri": "not a uri",
}
_SAMPLES: dict[str, object] = {
    "null": None,
    "boolean": True,
    "integer": 1,
    "number": 1.5,
    "string": "text",
    "array": [],
    "object": {},
}
# Inside the body, the wrong types most likely sent by mistake (null first); the body itself gets every type.
_LIKELY_MIXUPS = ("null", "string", "integer", "number", "array", "object", "boolean")
_NOUNS = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "array": "an array",
    "object": "an object",
}


def invalid_values(reader: Reader, minimal: Minimal, limit: int) -> list[tuple[str, object]]:
    cases = Cases(reader, minimal)
    found = Found(reader.check.is_valid, expect_valid=False, limit=limit)
    base = cases.simplest(reader.root, rich=True)
    if base is NO_VALUE:
        return []
    for path, sub, value in cases.locations(reader.root, base):
        for description, wrong in _mistakes(cases, sub, value, path):
            if not found.add(description, put(base, path, wrong)):
                return found.items
    return found.items


def _mistakes(cases: Cases, sub: Sub, value: object, path: Path) -> list[tuple[str, object]]:
    """(description, wrong value) for one location: the wrong type, a missing key, one past a bound."""
    node = cases.reader.expand(sub)
    if node is None or not isinstance(node.schema, dict):
        return []
    schema, where = node.schema, place(path)
    out: list[tuple[str, object]] = []
    if "type" in schema:
        allowed = cases.reader.types(schema)
        expected = " or ".join(_NOUNS[t] for t in allowed)
        wrong = [
            t
            for t in (TYPES if not path else _LIKELY_MIXUPS)
            if t not in allowed and not (t == "integer" and "number" in allowed)
        ]
        out += [(f"{where} is {_NOUNS[t]}, not {expected}", _SAMPLES[t]) for t in wrong[: None if not path else 3]]
    if "const" in schema:
        out.append((f"{where} is {_show('other')} where const is {_show(schema['const'])}", "other"))
    if "enum" in schema:
        members = ", ".join(_show(m) for m in schema["enum"][:5]) + (", ..." if len(schema["enum"]) > 5 else "")
        out += [(f"{where} is {_show(v)}, not one of {members}", v) for v in ("other", 12345, None)]
    if isinstance(value, dict):
        out += _object_mistakes(schema, value, path)
    elif isinstance(value, list):
        out += _array_mistakes(cases, node, value, path)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out += _number_mistakes(schema, where)
    elif isinstance(value, str):
        out += _string_mistakes(schema, where)
    return out


def _object_mistakes(schema: dict[str, Any], value: dict[str, object], path: Path) -> list[tuple[str, object]]:
    inside = within(path)
    out: list[tuple[str, object]] = [
        (f"missing required key {key!r}{inside}", {k: v for k, v in value.items() if k != key})
        for key in schema.get("required", [])
        if key in value
    ]
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        if schema.get(keyword) is False:
            key = fresh_key(schema)
            out.append((f"unknown key {key!r}{inside} where {keyword} is false", {**value, key: "unexpected"}))
    return out


def _array_mistakes(cases: Cases, node: Sub, value: list[object], path: Path) -> list[tuple[str, object]]:
    schema, out = node.schema, list[tuple[str, object]]()
    has = f"{place(path)} has " if path else ""
    low, high = schema.get("minItems", 0), schema.get("maxItems")
    if low > 0:
        out.append((f"{has}{_items(low - 1)} where minItems is {low}", value[: low - 1]))
    filler = value[-1] if value else cases.simplest(cases.reader.item(node, 0))
    if high is not None and filler is not NO_VALUE:
        longer = value[: high + 1] + [filler] * (high + 1 - len(value))
        out.append((f"{has}{_items(high + 1)} where maxItems is {high}", longer))
    if schema.get("uniqueItems") and value:
        out.append((f"{has}a repeated item where uniqueItems is true", [*value, value[0]]))
    if schema.get("items") is False and filler is not NO_VALUE:
        fixed = len(schema.get("prefixItems", []))
        out.append(
            (
                f"{has}{_items(fixed + 1)} where only {fixed} {'is' if fixed == 1 else 'are'} allowed",
                value[:fixed] + [filler] * (fixed + 1 - len(value[:fixed])),
            )
        )
    return out


def _number_mistakes(schema: dict[str, Any], where: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for keyword, sign in (("minimum", -1), ("maximum", 1)):
        if keyword in schema:
            out.append(
                (f"{where} is {schema[keyword] + sign} where {keyword} is {schema[keyword]}", schema[keyword] + sign)
            )
        exclusive = "exclusive" + keyword[0].upper() + keyword[1:]
        if isinstance(schema.get(exclusive), (int, float)):
            out.append((f"{where} is {schema[exclusive]} where {exclusive} is {schema[exclusive]}", schema[exclusive]))
    step = schema.get("multipleOf")
    if step:
        low = int_range(schema)[0] or 0
        wrong = math.ceil(low / step) * step + step / 2
        out.append((f"{where} is {wrong}, not a multiple of {step}", wrong))
    return out


def _string_mistakes(schema: dict[str, Any], where: str) -> list[tuple[str, object]]:
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    out: list[tuple[str, object]] = []
    if low > 0:
        out.append((f"{where} has {_characters(low - 1)} where minLength is {low}", "a" * (low - 1)))
    if high is not None:
        out.append((f"{where} has {_characters(high + 1)} where maxLength is {high}", "a" * (high + 1)))
    if "pattern" in schema:
        wrong = next((s for s in ("", "!", "a", "0", "A", " ") if not re.search(schema["pattern"], s)), None)
        if wrong is not None:
            out.append((f"{where} is {_show(wrong)}, which does not match {_show(schema['pattern'])}", wrong))
    if schema.get("format") in FORMAT_MISTAKES:
        wrong = FORMAT_MISTAKES[schema["format"]]
        out.append((f"{where} is {_show(wrong)}, not a valid {schema['format']}", wrong))
    return out


def _items(count: int) -> str:
    # Not core.wording's: the strategies' modules import nothing else of the engine.
    return f"{count} item" if count == 1 else f"{count} items"


def _characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else json.dumps(value)
