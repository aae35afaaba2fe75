"""Which edges of the contract a request body sits on: an empty list, a single item,
lists of different lengths side by side, a bound, zero or a negative number, an empty
string, a null, an optional key left out.

A 500 on a body the contract allows is a real defect, however odd the body. But when a
check fails only on such bodies, the failure says which edge it is and offers both
remedies: handle it in run() (or reject it with a 4xx), or narrow the contract.

Pure functions over the parsed body and the contract's JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..core.compare import json_path


@dataclass(frozen=True)
class Edge:
    """One edge a body sits on."""

    what: str
    #: How a request schema would leave it out, e.g. '"minItems": 1 at $.data' ("" when it cannot).
    narrowing: str
    #: About the body's shape (lists, keys), not its values.
    structural: bool = False
    #: Where it sits, e.g. "$.data" ("$" for the whole body).
    path: str = "$"


def edges(value: object, schema: dict[str, Any] | None, every: bool = False) -> list[Edge]:
    """The edges of ``schema`` that ``value`` sits on, outermost first.

    Lists and keys come before numbers and strings; zeros are left out when the body
    has another edge (a shrunk body is all zeros: they are seldom the cause), unless
    ``every`` edge is wanted (to compare bodies).
    """
    found = list(dict.fromkeys(_edges(value, schema or {}, ())))
    if every:
        return found
    structural = [edge for edge in found if edge.structural]
    if structural:
        return structural + [edge for edge in found if not edge.structural and not edge.what.startswith("zero")]
    return found


def _edges(value: object, schema: Any, path: tuple[object, ...]) -> Iterator[Edge]:
    where = json_path(path)
    schema = schema if isinstance(schema, dict) else {}
    if isinstance(value, list):
        if not value:
            yield Edge(f"an empty list at {where}", f'"minItems": 1 at {where}', True, where)
        elif len(value) == 1 and not schema.get("minItems") == schema.get("maxItems") == 1:
            yield Edge(f"a single item at {where}", f'"minItems": 2 at {where}', True, where)
        fixed = schema.get("minItems") == schema.get("maxItems")
        if "maxItems" in schema and len(value) == schema["maxItems"] and len(value) > 1 and not fixed:
            yield Edge(
                f"the most items allowed ({len(value)}) at {where}", f'a smaller "maxItems" at {where}', True, where
            )
        items = schema.get("items")
        for index, item in enumerate(value):
            yield from _edges(item, items, (*path, index))
    elif isinstance(value, dict):
        properties = schema.get("properties", {}) if isinstance(schema.get("properties"), dict) else {}
        required = set(schema.get("required", ()))
        for key in properties:
            if key not in value and key not in required:
                left_out = json_path((*path, key))
                yield Edge(f"{left_out} left out", f'"required": [{json.dumps(key)}] at {where}', True, left_out)
        lists = {key: len(item) for key, item in value.items() if isinstance(item, list)}
        if len(set(lists.values())) > 1 and len(lists) > 1:
            shown = " and ".join(f"{json_path((*path, k))} ({n})" for k, n in lists.items())
            yield Edge(f"lists of different lengths side by side: {shown}", "", True, where)
        for key, item in value.items():
            yield from _edges(item, properties.get(key), (*path, key))
    elif value is None:
        yield Edge(f"null at {where}", f"no null at {where}", path=where)
    elif isinstance(value, bool):
        return
    elif isinstance(value, (int, float)):
        for bound, word in (("minimum", "smallest"), ("maximum", "largest")):
            if schema.get(bound) == value:
                yield Edge(
                    f"the {word} number allowed ({value}) at {where}", f'a narrower "{bound}" at {where}', path=where
                )
        if value == 0 and "minimum" not in schema:
            yield Edge(f"zero at {where}", f'"exclusiveMinimum": 0 at {where}', path=where)
        elif value < 0 and "minimum" not in schema:
            yield Edge(f"a negative number at {where}", f'"minimum": 0 at {where}', path=where)
    elif isinstance(value, str):
        if not value:
            yield Edge(f"an empty string at {where}", f'"minLength": 1 at {where}', path=where)
        elif not value.isascii():
            yield Edge(f"non-ASCII text at {where}", f'a "pattern" at {where}', path=where)
