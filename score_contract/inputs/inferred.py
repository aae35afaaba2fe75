"""A conservative contract guessed from the sample bodies, for a script that declares none.

The most common script in the wild is an undecorated ``run(raw_data)`` with one sample
body and no schema. Sending only that sample misses the crash on an empty or a
single-row batch. The guess keeps everything the samples show and varies only what a
client would vary:

* objects keep the samples' keys (a key missing from some samples is optional) and no others;
* an array that is the value of a key (or the whole body) varies in length — empty, one
  element, more than the samples had — by reusing elements the samples contain, whole
  (a row keeps its length and values);
* arrays that go together stay as the samples have them: sibling arrays of equal
  length in every sample (``index`` and ``data``), and a list of distinct names next
  to another array (``columns`` next to ``data``);
* numbers stay between the smallest and the largest the samples show at that place
  (integers stay integers), strings and booleans are those the samples show.

The result is a JSON Schema, so the boundaries, the search, the shrinker and the
validator work on it as on a declared one. What it finds is reported as a warning: the
contract was guessed, not declared.
"""

from __future__ import annotations

import json
from itertools import combinations
from typing import Any

#: Elements kept for reuse per array.
_POOL = 50


def infer_schema(values: list[object]) -> dict[str, Any] | None:
    """The guessed contract of these sample bodies (parsed JSON), or None without any."""
    if not values:
        return None
    schema = _merge(values, varied=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _merge(values: list[object], varied: bool) -> dict[str, Any]:
    """One schema for all the values seen at one place."""
    kinds: dict[str, list[object]] = {}
    for value in values:
        kind = _kind(value)
        # An int where floats were seen is one more number.
        kinds.setdefault("number" if kind == "integer" else kind, []).append(value)
    schemas = [_of_kind(kind, seen, varied) for kind, seen in kinds.items()]
    return schemas[0] if len(schemas) == 1 else {"anyOf": schemas}


def _of_kind(kind: str, seen: list[Any], varied: bool) -> dict[str, Any]:
    if kind == "object":
        return _object(seen)
    if kind == "array":
        return _array(seen) if varied else {"enum": _distinct(seen)}
    if kind == "number":
        integral = all(isinstance(v, int) for v in seen)
        return {"type": "integer" if integral else "number", "minimum": min(seen), "maximum": max(seen)}
    if kind == "null":
        return {"type": "null"}
    return {"enum": _distinct(seen)}


def _object(seen: list[dict[str, Any]]) -> dict[str, Any]:
    keys = list(dict.fromkeys(key for value in seen for key in value))
    fixed = _arrays_that_go_together(seen)
    properties = {key: _merge([value[key] for value in seen if key in value], varied=key not in fixed) for key in keys}
    required = [key for key in keys if all(key in value for value in seen)]
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _arrays_that_go_together(seen: list[dict[str, Any]]) -> set[str]:
    """Keys of arrays whose length must not change on its own."""
    arrays = [
        key for key in dict.fromkeys(k for v in seen for k in v) if any(isinstance(v.get(key), list) for v in seen)
    ]
    fixed: set[str] = set()
    for first, second in combinations(arrays, 2):
        pairs = [
            (v[first], v[second]) for v in seen if isinstance(v.get(first), list) and isinstance(v.get(second), list)
        ]
        if pairs and all(len(a) == len(b) for a, b in pairs):
            fixed |= {first, second}
    if len(arrays) > 1:
        for key in arrays:
            lists = [v[key] for v in seen if isinstance(v.get(key), list)]
            if all(_names(items) for items in lists):
                fixed.add(key)
    return fixed


def _names(items: list[object]) -> bool:
    return bool(items) and all(isinstance(i, str) for i in items) and len(set(items)) == len(items)  # type: ignore[arg-type,unused-ignore]


def _array(seen: list[list[Any]]) -> dict[str, Any]:
    elements = _distinct([item for value in seen for item in value])[:_POOL]
    longest = max(len(value) for value in seen)
    schema: dict[str, Any] = {"type": "array", "maxItems": max(2 * longest, longest + 2)}
    if elements:
        schema["items"] = {"enum": elements}
    else:
        schema["maxItems"] = 0  # only empty arrays were seen: nothing to fill one with
    return schema


def _distinct(values: list[Any]) -> list[Any]:
    kept: dict[str, Any] = {}
    for value in values:
        kept.setdefault(json.dumps(value, sort_keys=True), value)
    return list(kept.values())
