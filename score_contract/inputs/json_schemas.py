"""Read a JSON Schema the same way whichever draft it is written in.

Drafts 4, 6, 7, 2019-09 and 2020-12 spell some keywords differently: ``exclusiveMinimum`` is a flag beside
``minimum`` in draft 4 and a number later; an array under ``items`` became ``prefixItems`` (with ``additionalItems``
becoming ``items``); ``dependencies`` split into ``dependentRequired`` and ``dependentSchemas``; before 2019-09 the
siblings of a ``$ref`` are ignored. `Reader.expand` answers in 2020-12 terms, follows local ``$ref`` (recursion is
cut after a few levels) and folds ``allOf`` into one schema, so the generators in ``strategies`` and
``schema_cases`` read one dialect. The reading may be approximate (`Sub.exact` says when it is): jsonschema stays
the judge, and the generators filter with its validator wherever the reading is not exact.

Imports only the standard library, jsonschema and referencing, so it runs wherever Hypothesis does.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import jsonschema.protocols  # type: ignore[import-untyped]
import referencing
import referencing.jsonschema
from referencing.exceptions import Unresolvable

from .enum_lookup import DRAFT_OF, WITH_FAST_ENUM

Schema = Any  # a dict or a bool, as loaded from JSON
Resolver = Any  # a referencing.Resolver; the package exports no name for the type

TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")

# How deep a schema may recurse into itself through $ref before the reading stops there (a required recursive
# property then makes the value impossible at that depth, an optional one is left out).
MAX_RECURSION = 3

_DRAFTS: dict[Any, referencing.Specification[Any]] = {
    jsonschema.Draft4Validator: referencing.jsonschema.DRAFT4,
    jsonschema.Draft6Validator: referencing.jsonschema.DRAFT6,
    jsonschema.Draft7Validator: referencing.jsonschema.DRAFT7,
    jsonschema.Draft201909Validator: referencing.jsonschema.DRAFT201909,
    jsonschema.Draft202012Validator: referencing.jsonschema.DRAFT202012,
}

# Keywords that tell the type when "type" is absent (the generators then make only those types).
_TYPE_KEYWORDS = {
    "object": {
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "dependentRequired",
        "dependentSchemas",
        "unevaluatedProperties",
    },
    "array": {"items", "prefixItems", "contains", "minItems", "maxItems", "uniqueItems", "unevaluatedItems"},
    "string": {"minLength", "maxLength", "pattern", "format"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"},
}

ANNOTATIONS = {
    "title",
    "description",
    "default",
    "examples",
    "$comment",
    "$id",
    "id",
    "$schema",
    "$anchor",
    "$defs",
    "definitions",
    "readOnly",
    "writeOnly",
    "deprecated",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "$vocabulary",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
}


class SchemaError(ValueError):
    """The schema itself is unusable. The message is one sentence without a path: the caller adds the file name."""


def validator(schema: Schema) -> jsonschema.protocols.Validator:
    """A jsonschema validator for ``schema``: the draft named by ``$schema`` (2020-12 when absent), formats checked.

    Raises SchemaError when the schema is not valid under its draft's meta-schema or has a ``$ref`` that cannot be
    resolved inside the document (remote references are never fetched).
    """
    if isinstance(schema, dict) and "$schema" in schema:
        cls = jsonschema.validators.validator_for(schema, default=None)
        if cls not in _DRAFTS:
            raise SchemaError(f"the schema's $schema {schema['$schema']!r} is not draft 4, 6, 7, 2019-09 or 2020-12.")
    else:
        cls = jsonschema.Draft202012Validator
    try:
        _check_schema(cls, schema)
    except jsonschema.exceptions.SchemaError as exc:
        raise SchemaError(f"the schema is invalid: {exc.message} at {exc.json_path}.") from None
    # An empty registry of our own also turns off jsonschema's deprecated fetching of remote $refs.
    check = WITH_FAST_ENUM[cls](schema, registry=referencing.Registry(), format_checker=cls.FORMAT_CHECKER)
    Reader(check).check_refs()
    return check


#: The schemas (as their draft and canonical JSON) that passed their meta-schema in this process. A run asks for a
#: validator of one request schema a dozen times (planning, the samples, the search, the boundaries, the mistakes...),
#: and the meta-schema check is nearly all of its cost (~0.8 ms for a small schema, against 0.01 ms to build it).
_VALID: set[tuple[type, str]] = set()


def _check_schema(cls: Any, schema: Schema) -> None:
    """``cls.check_schema(schema)``, once per schema that passes it."""
    try:
        key = (cls, json.dumps(schema, sort_keys=True, allow_nan=False))
    except (TypeError, ValueError):  # not plain JSON after all: checked every time
        cls.check_schema(schema)
        return
    if key not in _VALID:
        cls.check_schema(schema)
        if len(_VALID) >= 256:
            _VALID.clear()
        _VALID.add(key)


@dataclass(frozen=True)
class Sub:
    """A subschema and what reading it needs: the resolver for its $refs and the $refs followed to reach it."""

    schema: Schema
    resolver: Resolver
    trail: tuple[int, ...] = ()
    exact: bool = True  # False when the reading merged schemas (allOf, $ref siblings, anyOf branches)


class Reader:
    """Reads the subschemas of one root schema in 2020-12 terms."""

    def __init__(self, check: Any) -> None:
        self.check = check
        cls = DRAFT_OF.get(type(check), type(check))
        self.refs_replace = cls in (jsonschema.Draft4Validator, jsonschema.Draft6Validator, jsonschema.Draft7Validator)
        self.items_array = self.refs_replace or cls is jsonschema.Draft201909Validator
        self.draft4 = cls is jsonschema.Draft4Validator
        self.spec = _DRAFTS[cls]
        resource = self.spec.create_resource(check.schema)
        uri = resource.id() or ""
        registry = referencing.Registry().with_resource(uri, resource).crawl()
        self.root = Sub(check.schema, registry.resolver(uri))

    def local(self, schema: Schema) -> _Local:
        """A validator for a subschema, to filter where a keyword applies rather than only at the root."""
        return _Local(self.check.evolve(schema=schema))

    def check_refs(self) -> None:
        """Raise SchemaError for a $ref the document cannot resolve."""
        stack: list[tuple[Schema, str, Resolver]] = [(self.root.schema, "$", self.root.resolver)]
        while stack:
            schema, path, resolver = stack.pop()
            if isinstance(schema, list):
                stack.extend((item, f"{path}[{i}]", resolver) for i, item in enumerate(schema))
            elif isinstance(schema, dict):
                resolver = self._enter(schema, resolver)
                if isinstance(schema.get("$ref"), str):
                    self._lookup(schema["$ref"], resolver, path)
                stack.extend(
                    (value, f"{path}.{key}", resolver)
                    for key, value in schema.items()
                    if key not in ("enum", "const", "default", "examples")
                )

    def _enter(self, schema: Schema, resolver: Resolver) -> Resolver:
        """The resolver inside ``schema``: a subschema with its own $id is a new base for relative $refs."""
        if isinstance(schema, dict) and isinstance(self.spec.id_of(schema), str):
            return resolver.in_subresource(self.spec.create_resource(schema))
        return resolver

    def _lookup(self, ref: str, resolver: Resolver, path: str = "") -> Any:
        try:
            return resolver.lookup(ref)
        except Unresolvable:
            where = f" at {path}" if path else ""
            raise SchemaError(
                f"the schema's $ref {ref!r}{where} cannot be resolved inside the document "
                "(remote references are not fetched)."
            ) from None

    def expand(self, sub: Sub) -> Sub | None:
        """The subschema with its $ref followed and allOf folded in, in 2020-12 terms.

        None when following it would recurse deeper than MAX_RECURSION.
        """
        if isinstance(sub.schema, bool):
            return sub
        schema = self._normalise(sub.schema)
        resolver, trail, exact = self._enter(sub.schema, sub.resolver), sub.trail, sub.exact
        ref_key = next((k for k in ("$ref", "$dynamicRef", "$recursiveRef") if isinstance(schema.get(k), str)), None)
        if ref_key is not None:
            target = self._lookup(schema[ref_key], resolver)
            key = id(target.contents)
            if trail.count(key) >= MAX_RECURSION:
                return None
            inner = self.expand(Sub(target.contents, target.resolver, (*trail, key)))
            if inner is None:
                return None
            rest = {} if self.refs_replace else {k: v for k, v in schema.items() if k != ref_key}
            if not set(rest) - ANNOTATIONS or isinstance(inner.schema, bool) and not inner.schema:
                return replace(inner, exact=exact and inner.exact and ref_key == "$ref")
            schema = rest if inner.schema is True else merge(inner.schema, rest)
            trail, exact = inner.trail, False
        if "allOf" in schema:
            merged, followed = {k: v for k, v in schema.items() if k != "allOf"}, trail
            for branch in schema["allOf"]:
                part = self.expand(Sub(branch, resolver, trail))
                if part is None:
                    return None
                if part.schema is False:
                    return Sub(False, resolver, trail, False)
                if part.schema is not True:
                    merged = merge(merged, part.schema)
                followed += part.trail[len(trail) :]  # keep counting the $refs each branch followed
            return self.expand(Sub(merged, resolver, followed, False))
        return Sub(schema, resolver, trail, exact)

    def _normalise(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = dict(schema)
        if self.draft4:
            for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
                if isinstance(out.get(flag), bool):
                    if out.pop(flag) and bound in out:
                        out[flag] = out.pop(bound)
        if self.items_array and isinstance(out.get("items"), list):
            out["prefixItems"] = out.pop("items")
            if "additionalItems" in out:
                out["items"] = out.pop("additionalItems")
        out.pop("additionalItems", None)  # means nothing without an array under items
        if self.refs_replace and isinstance(out.get("dependencies"), dict):
            for key, value in out.pop("dependencies").items():
                group = "dependentRequired" if isinstance(value, list) else "dependentSchemas"
                out.setdefault(group, {})[key] = value
        return out

    def types(self, schema: dict[str, Any]) -> list[str]:
        """The JSON types the generators make for ``schema``, in the order they prefer them."""
        declared = schema.get("type")
        if declared is not None:
            names = [declared] if isinstance(declared, str) else list(declared)
            return [t for t in names if not (t == "integer" and "number" in names)]
        inferred = [name for name, keys in _TYPE_KEYWORDS.items() if keys & schema.keys()]
        return inferred or list(TYPES)

    @staticmethod
    def branching(schema: Schema) -> bool:
        return isinstance(schema, dict) and bool({"anyOf", "oneOf", "if"} & schema.keys())

    def branches(self, node: Sub) -> list[Sub]:
        """The ways to meet a branching schema, each merged with the keywords beside it: the anyOf branches, else
        the oneOf branches, else "if and then" and "else" (whether a value meets "if" is left to the filter)."""
        schema = node.schema
        group = next((k for k in ("anyOf", "oneOf") if k in schema), None)
        if group is not None:
            rest, options = {k: v for k, v in schema.items() if k != group}, schema[group]
        else:
            rest = {k: v for k, v in schema.items() if k not in ("if", "then", "else")}
            options = [{"allOf": [schema["if"], schema.get("then", True)]}, schema.get("else", True)]
        out = []
        for branch in options:
            part = self.expand(Sub(branch, node.resolver, node.trail))
            if part is None or part.schema is False:
                continue
            merged = rest if part.schema is True else merge(rest, part.schema)
            out.append(Sub(merged, node.resolver, part.trail, False))
        return out

    def property(self, node: Sub, key: str) -> Sub:
        """The schema a value under ``key`` must meet: its property, the patterns it matches, else the rest."""
        schema = node.schema
        parts = [schema["properties"][key]] if key in schema.get("properties", {}) else []
        parts += [sub for pattern, sub in schema.get("patternProperties", {}).items() if re.search(pattern, key)]
        if not parts:
            parts = [schema.get("additionalProperties", schema.get("unevaluatedProperties", True))]
        return Sub(parts[0] if len(parts) == 1 else {"allOf": parts}, node.resolver, node.trail)

    def item(self, node: Sub, index: int) -> Sub:
        prefix = node.schema.get("prefixItems", [])
        schema = prefix[index] if index < len(prefix) else node.schema.get("items", True)
        return Sub(schema, node.resolver, node.trail)

    def child(self, node: Sub, schema: Schema) -> Sub:
        return Sub(schema, node.resolver, node.trail)


class _Local:
    """Judges a value against a subschema whose $refs resolve against the root document.

    A subschema inside an embedded $id resource may hold a $ref relative to that resource, which cannot be
    resolved from the root: such a value is let through, and the validator of the whole schema judges it.
    """

    def __init__(self, check: Any) -> None:
        self.check = check

    def is_valid(self, value: object) -> bool:
        try:
            return bool(self.check.is_valid(value))
        except Unresolvable:
            return True


def merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """A schema close to "both a and b"; where two values cannot be combined the first wins (callers filter)."""
    out = dict(a)
    for key, value in b.items():
        if key not in out:
            out[key] = value
            continue
        mine = out[key]
        if key == "type":
            out[key] = _meet_types(mine, value)
        elif key in ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains"):
            out[key] = max(mine, value)
        elif key in ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains"):
            out[key] = min(mine, value)
        elif key == "required":
            out[key] = list(dict.fromkeys([*mine, *value]))
        elif key in ("properties", "patternProperties", "dependentSchemas"):
            out[key] = {**mine, **{k: {"allOf": [mine[k], v]} if k in mine else v for k, v in value.items()}}
        elif key == "dependentRequired":
            out[key] = {**mine, **{k: list(dict.fromkeys([*mine.get(k, []), *v])) for k, v in value.items()}}
        elif key in (
            "items",
            "contains",
            "additionalProperties",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
        ):
            out[key] = {"allOf": [mine, value]}
        elif key == "prefixItems":
            both = [{"allOf": [x, y]} for x, y in zip(mine, value, strict=False)]
            out[key] = both + list(mine[len(both) :]) + list(value[len(both) :])
        elif key == "enum":
            keep = {freeze(v) for v in value}
            out[key] = [v for v in mine if freeze(v) in keep]
        elif key == "uniqueItems":
            out[key] = mine or value
        elif key == "multipleOf" and isinstance(mine, int) and isinstance(value, int):
            out[key] = mine * value // math.gcd(mine, value)
    return out


def _meet_types(a: str | list[str], b: str | list[str]) -> list[str]:
    left, right = ([t] if isinstance(t, str) else list(t) for t in (a, b))
    out = [t for t in left if t in right or (t == "integer" and "number" in right)]
    return out + ["integer" for t in left if t == "number" and "integer" in right and "integer" not in out]


def freeze(value: Any) -> Any:
    """A hashable key under which two JSON values are equal exactly when JSON Schema says so (1 == 1.0, not True)."""
    if isinstance(value, dict):
        return ("object", frozenset((k, freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("array", tuple(freeze(v) for v in value))
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    return ("string", value)


def int_range(schema: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """The smallest and largest integers the numeric bounds allow (None where unbounded)."""
    lows = [math.ceil(schema["minimum"])] if "minimum" in schema else []
    lows += [math.floor(schema["exclusiveMinimum"]) + 1] if "exclusiveMinimum" in schema else []
    highs = [math.floor(schema["maximum"])] if "maximum" in schema else []
    highs += [math.ceil(schema["exclusiveMaximum"]) - 1] if "exclusiveMaximum" in schema else []
    return (max(lows) if lows else None), (min(highs) if highs else None)


def float_range(schema: Mapping[str, Any]) -> tuple[float | None, bool, float | None, bool]:
    """(low, low is exclusive, high, high is exclusive), None where unbounded."""
    low, low_open = schema.get("minimum"), False
    if "exclusiveMinimum" in schema and (low is None or schema["exclusiveMinimum"] >= low):
        low, low_open = schema["exclusiveMinimum"], True
    high, high_open = schema.get("maximum"), False
    if "exclusiveMaximum" in schema and (high is None or schema["exclusiveMaximum"] <= high):
        high, high_open = schema["exclusiveMaximum"], True
    return low, low_open, high, high_open
