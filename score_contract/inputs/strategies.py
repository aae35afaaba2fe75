"""Hypothesis strategies and deterministic examples for the request bodies a JSON Schema allows.

Why not hypothesis-jsonschema: its last release (0.23.1, 2024-02) calls a private Hypothesis API and fails on every
object schema with Hypothesis >= 6.170.10 (``AttributeError: 'many' object has no attribute 'more'``), and it knows
neither the 2020-12 keywords (``prefixItems``, ``dependentRequired``, ``unevaluatedProperties``) nor recursive
``$ref``. This module builds on public Hypothesis API and jsonschema only.

jsonschema is the judge. Values are built from the keywords modelled here, and whatever is modelled only
approximately (``not``, ``if``, ``oneOf`` exclusivity, ``allOf`` parts that do not merge, ``unevaluated*``, patterns,
formats...) is filtered with the validator, first where it applies and finally on the whole value, so every value
drawn validates. The deterministic lists live in ``schema_cases`` (`boundary_values`, `unknown_key_values`) and
``schema_mistakes`` (`invalid_values`); the functions here are their interface.

Call `boundary_values`, `invalid_values` and `is_satisfiable` outside a Hypothesis test: they may run Hypothesis's
``find``, which Hypothesis refuses to nest in ``@given``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample, Unsatisfiable
from hypothesis.strategies import SearchStrategy

from . import schema_cases, schema_mistakes
from .json_schemas import ANNOTATIONS, Reader, Schema, SchemaError, Sub, freeze, int_range, validator
from .primitives import ANY_JSON, CHARS, FLOAT_SPAN, FORMATS, floats, integers, multiples, prefixed
from .primitives import pattern as matching

__all__ = [
    "SchemaError",
    "boundary_values",
    "invalid_values",
    "is_satisfiable",
    "unknown_key_values",
    "valid_values",
    "validator",
]

# Keywords read approximately (or only checked): a subschema with any of them is filtered where it applies.
_APPROXIMATE = frozenset(
    {
        "not",
        "if",
        "then",
        "else",
        "anyOf",
        "oneOf",
        "dependentSchemas",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contains",
        "minContains",
        "maxContains",
        "uniqueItems",
        "multipleOf",
        "pattern",
        "format",
        "propertyNames",
        "patternProperties",
        "minProperties",
        "maxProperties",
        "$dynamicRef",
        "$recursiveRef",
    }
)

# Hypothesis run for the few examples that are drawn rather than built: no database, same answer every time.
_FIND = settings(
    database=None,
    derandomize=True,
    max_examples=50,
    deadline=None,
    phases=[Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


def valid_values(schema: Schema) -> SearchStrategy[object]:
    """JSON values (dict, list, str, int, float, bool, None; no NaN or Infinity) that validate against ``schema``.

    Required keys are always present and optional ones shrink towards absent. An object that names properties gets
    no other keys, though additionalProperties may allow them (`unknown_key_values` has those); one that names none,
    or has patternProperties, is a map and gets entries. Raises SchemaError if the schema is invalid.
    """
    check = validator(schema)
    reader = Reader(check)
    strategy = _Builder(reader).build(reader.root)
    return st.nothing() if strategy is None else strategy.filter(check.is_valid)


def is_satisfiable(schema: Schema) -> bool:
    """False when no value can satisfy ``schema``: obvious contradictions, else when 20 tries find none."""
    check = validator(schema)
    reader = Reader(check)
    strategy = _Builder(reader).build(reader.root)
    if strategy is None:
        return False
    try:
        find(
            strategy.filter(check.is_valid),
            lambda _: True,
            settings=settings(_FIND, max_examples=20, phases=[Phase.generate]),
        )
    except (NoSuchExample, Unsatisfiable):
        return False
    return True


def boundary_values(schema: Schema, limit: int = 200) -> list[object]:
    """Valid values at the edges of ``schema``, each differing from one base value in one place; see schema_cases."""
    check = validator(schema)
    reader = Reader(check)
    return schema_cases.boundary_values(reader, partial(_minimal, _Builder(reader)), limit)


def invalid_values(schema: Schema, limit: int = 100) -> list[tuple[str, object]]:
    """(description, value) pairs that do not validate, e.g. ("missing required key 'data'", {})."""
    check = validator(schema)
    reader = Reader(check)
    return schema_mistakes.invalid_values(reader, partial(_minimal, _Builder(reader)), limit)


def unknown_key_values(schema: Schema, limit: int = 100) -> list[tuple[str, object]]:
    """(description, value) pairs that validate but carry a key the schema does not name."""
    check = validator(schema)
    reader = Reader(check)
    return schema_cases.unknown_key_values(reader, partial(_minimal, _Builder(reader)), limit)


def _minimal(builder: _Builder, sub: Sub) -> object:
    """The smallest value Hypothesis finds for a subschema, or schema_cases.NO_VALUE."""
    strategy = builder.build(sub)
    if strategy is None:
        return schema_cases.NO_VALUE
    try:
        return find(strategy.filter(builder.reader.local(sub.schema).is_valid), lambda _: True, settings=_FIND)
    except (NoSuchExample, Unsatisfiable):
        return schema_cases.NO_VALUE


def _as_dict(schema: Schema) -> dict[str, Any]:
    return schema if isinstance(schema, dict) else {"not": {}}


class _Builder:
    """Turns the subschemas of one schema into strategies; None stands for "no value here"."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def build(self, sub: Sub) -> SearchStrategy[object] | None:
        node = self.reader.expand(sub)
        if node is None or node.schema is False:
            return None
        if node.schema is True:
            return ANY_JSON
        schema: dict[str, Any] = node.schema
        if "not" in schema and (schema["not"] is True or not set(_as_dict(schema["not"])) - ANNOTATIONS):
            return None  # "not anything": no value, and no filter would ever say so
        local = self.reader.local(sub.schema)
        if "const" in schema or "enum" in schema:
            members = [m for m in ([schema["const"]] if "const" in schema else schema["enum"]) if local.is_valid(m)]
            return st.sampled_from(members).map(copy.deepcopy) if members else None
        if self.reader.branching(schema):
            options = [s for s in map(self.build, self.reader.branches(node)) if s is not None]
        else:
            makers: dict[str, Callable[[Sub], SearchStrategy[Any] | None]] = {
                "null": lambda _: st.none(),
                "boolean": lambda _: st.booleans(),
                "integer": self._integer,
                "number": self._number,
                "string": self._string,
                "array": self._array,
                "object": self._object,
            }
            options = [s for s in (makers[t](node) for t in self.reader.types(schema)) if s is not None]
        if not options:
            return None
        strategy = st.one_of(options)
        if not node.exact or _APPROXIMATE & schema.keys():
            strategy = strategy.filter(local.is_valid)
        return strategy

    def _integer(self, node: Sub) -> SearchStrategy[int] | None:
        step = node.schema.get("multipleOf")
        if isinstance(step, int):
            return multiples(node.schema, step, integer=True)
        return integers(*int_range(node.schema))

    def _number(self, node: Sub) -> SearchStrategy[Any] | None:
        step = node.schema.get("multipleOf")
        if step is not None:
            return multiples(node.schema, step, integer=False)
        ints = integers(*int_range(node.schema), span=int(FLOAT_SPAN))
        options = [s for s in (ints, floats(node.schema)) if s is not None]
        return st.one_of(options) if options else None  # integers first: JSON clients send 1, not 1.0

    def _string(self, node: Sub) -> SearchStrategy[str] | None:
        schema = node.schema
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if high is not None and low > high:
            return None
        if schema.get("format") in FORMATS:
            return FORMATS[schema["format"]]
        if "pattern" in schema:
            return matching(schema["pattern"], low, high)
        return st.text(CHARS, min_size=low, max_size=high)

    def _array(self, node: Sub) -> SearchStrategy[list[object]] | None:
        schema = node.schema
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        if high is not None and low > high:
            return None
        prefix = [self.build(self.reader.item(node, i)) for i in range(len(schema.get("prefixItems", [])))]
        rest = self.build(self.reader.item(node, len(prefix)))
        unique = freeze if schema.get("uniqueItems") else None
        if prefix:
            return None if rest is None and low > len(prefix) else prefixed(prefix, rest, low, high)
        if rest is None:  # e.g. items: false, or items that recurse too deep here
            return st.just([]) if low == 0 and "contains" not in schema else None
        wanted = schema.get("minContains", 1) if "contains" in schema else 0
        if not wanted:
            return st.lists(rest, min_size=low, max_size=high, unique_by=unique)
        merged = {"allOf": [schema.get("items", True), schema["contains"]]}
        head = self.build(self.reader.child(node, merged))
        if head is None or (high is not None and wanted > high):
            return None
        tail = st.lists(rest, min_size=max(0, low - wanted), max_size=None if high is None else high - wanted)
        return st.tuples(st.lists(head, min_size=wanted, max_size=wanted, unique_by=unique), tail).map(
            lambda parts: parts[0] + parts[1]
        )

    def _object(self, node: Sub) -> SearchStrategy[dict[str, object]] | None:
        schema = node.schema
        names = list(dict.fromkeys([*schema.get("properties", {}), *schema.get("required", [])]))
        required = set(schema.get("required", []))
        depends: dict[str, list[str]] = schema.get("dependentRequired", {})
        wanted = dict.fromkeys([*names, *(need for needs in depends.values() for need in needs)])
        values = {k: self.build(self.reader.property(node, k)) for k in wanted}
        if any(values[k] is None for k in required):
            return None
        low, high = schema.get("minProperties", 0), schema.get("maxProperties")
        if high is not None and max(low, len(required)) > high:
            return None
        # An object that names no key is a map: give it entries. One that names keys gets no others (but the ones
        # minProperties asks for), though additionalProperties allows them: unknown_key_values covers those.
        map_like = "patternProperties" in schema or not names
        extras = self._extra_entries(node, names) if map_like or low > len(required) else None

        @st.composite
        def objects(draw: st.DrawFn) -> dict[str, object]:
            out: dict[str, object] = {}
            for key in names:
                strategy = values[key]
                if strategy is not None and (key in required or draw(st.booleans())):
                    out[key] = draw(strategy)
            for key, needs in depends.items():
                for need in needs if key in out else []:
                    strategy = values[need]
                    if need not in out and strategy is not None:
                        out[need] = draw(strategy)
            missing = max(0, low - len(out))
            if extras is not None and (missing or map_like):
                entries = draw(
                    st.lists(
                        extras, min_size=missing, max_size=None if map_like else missing, unique_by=lambda kv: kv[0]
                    )
                )
                out.update((k, v) for k, v in entries if k not in out)
            return out

        return objects()

    def _extra_entries(self, node: Sub, names: list[str]) -> SearchStrategy[tuple[str, object]] | None:
        """Entries under keys the schema does not name: from patternProperties, else additionalProperties."""
        schema = node.schema
        options = []
        for pattern, sub in schema.get("patternProperties", {}).items():
            value = self.build(self.reader.child(node, sub))
            if value is not None:
                options.append(st.tuples(matching(pattern), value))
        if schema.get("additionalProperties", True) is not False and schema.get("propertyNames") is not False:
            names_schema = schema.get("propertyNames", {})
            keys = self.build(self.reader.child(node, {"allOf": [{"type": "string"}, names_schema]}))
            value = self.build(self.reader.child(node, schema.get("additionalProperties", True)))
            if keys is not None and value is not None:
                patterns = list(schema.get("patternProperties", {}))
                fresh = keys.filter(lambda k: k not in names and not any(re.search(p, str(k)) for p in patterns))
                options.append(st.tuples(fresh.map(str), value))
        return st.one_of(options) if options else None
