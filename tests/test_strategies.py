"""Every body generated from a JSON Schema is valid under it, and every body called invalid is invalid.

jsonschema is the oracle throughout. The corpus covers each modelled keyword in every supported draft; it runs on
the newest Hypothesis too (strategies.py uses public API only), so this file imports nothing else of the engine.
"""

from __future__ import annotations

import ast
import json
import math
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, example, find, given, settings
from hypothesis import strategies as st

from score_contract.inputs.strategies import (
    SchemaError,
    boundary_values,
    invalid_values,
    is_satisfiable,
    unknown_key_values,
    valid_values,
    validator,
)

D4 = "http://json-schema.org/draft-04/schema#"
D6 = "http://json-schema.org/draft-06/schema#"
D7 = "http://json-schema.org/draft-07/schema#"
D2019 = "https://json-schema.org/draft/2019-09/schema"
D2020 = "https://json-schema.org/draft/2020-12/schema"

ROW = {"type": "array", "minItems": 10, "maxItems": 10, "items": {"type": "number"}}
ML_BODY = {
    "type": "object",
    "properties": {"data": {"type": "array", "minItems": 1, "maxItems": 50, "items": ROW}},
    "required": ["data"],
    "additionalProperties": False,
}
AZURE_BODY = {
    "type": "object",
    "required": ["input_data"],
    "properties": {
        "input_data": {
            "type": "object",
            "required": ["columns", "data"],
            "properties": {
                "columns": {
                    "type": "array",
                    "items": {"enum": ["age", "income", "city"]},
                    "uniqueItems": True,
                    "minItems": 3,
                    "maxItems": 3,
                },
                "index": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                "data": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "array",
                        "prefixItems": [
                            {"type": "integer", "minimum": 0, "maximum": 120},
                            {"type": ["number", "null"]},
                            {"type": "string", "maxLength": 20},
                        ],
                        "minItems": 3,
                        "items": False,
                    },
                },
            },
            "additionalProperties": False,
        }
    },
}
TREE = {
    "type": "object",
    "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#"}}},
    "required": ["value"],
}
RECORDS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "properties": {
            "age": {"type": "integer", "minimum": 0, "maximum": 120},
            "income": {"type": "number", "minimum": 0},
            "city": {"type": "string", "minLength": 1},
        },
        "required": ["age"],
    },
}

CORPUS: dict[str, Any] = {
    "typical ML body": ML_BODY,
    "typical ML body, draft 7": {"$schema": D7, **ML_BODY},
    "Azure input_data body": AZURE_BODY,
    "records orient": RECORDS,
    "numpy 3-d batch": {
        "type": "array",
        "minItems": 1,
        "maxItems": 4,
        "items": {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"type": "array", "minItems": 3, "maxItems": 3, "items": {"type": "integer"}},
        },
    },
    "recursive tree through #": TREE,
    "recursive tree through $defs": {
        "$ref": "#/$defs/node",
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
                "required": ["name"],
                "additionalProperties": False,
            }
        },
    },
    "recursive list through definitions, draft 7": {
        "$schema": D7,
        "definitions": {
            "cell": {
                "anyOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {"head": {"type": "integer"}, "tail": {"$ref": "#/definitions/cell"}},
                        "required": ["head", "tail"],
                    },
                ]
            }
        },
        "$ref": "#/definitions/cell",
    },
    "anchored pattern": {
        "type": "object",
        "properties": {"code": {"type": "string", "pattern": r"^[A-Z]{3}-\d{4}$"}},
        "required": ["code"],
    },
    "unanchored pattern": {"type": "string", "pattern": r"\d", "maxLength": 8},
    "formats": {
        "type": "object",
        "required": ["day", "at", "clock", "mail", "id", "v4", "v6", "link"],
        "properties": {
            "day": {"type": "string", "format": "date"},
            "at": {"type": "string", "format": "date-time"},
            "clock": {"type": "string", "format": "time"},
            "mail": {"type": "string", "format": "email"},
            "id": {"type": "string", "format": "uuid"},
            "v4": {"type": "string", "format": "ipv4"},
            "v6": {"type": "string", "format": "ipv6"},
            "link": {"type": "string", "format": "uri"},
        },
    },
    "exclusive bounds as flags, draft 4": {
        "$schema": D4,
        "type": "object",
        "properties": {
            "n": {"type": "integer", "minimum": 3, "exclusiveMinimum": True, "maximum": 10},
            "x": {"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": True},
        },
        "required": ["n", "x"],
    },
    "exclusive bounds as numbers, draft 6": {
        "$schema": D6,
        "type": "object",
        "properties": {
            "n": {"type": "integer", "exclusiveMinimum": 3, "maximum": 10},
            "x": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
        },
        "required": ["n", "x"],
    },
    "multipleOf": {
        "type": "object",
        "properties": {
            "i": {"type": "integer", "multipleOf": 3, "minimum": -10, "maximum": 10},
            "half": {"type": "number", "multipleOf": 0.5},
            "cents": {"type": "number", "multipleOf": 0.01, "minimum": 0},
        },
    },
    "tuple as items array, draft 7": {
        "$schema": D7,
        "type": "array",
        "items": [{"type": "string"}, {"type": "integer"}],
        "additionalItems": False,
        "minItems": 1,
    },
    "tuple as items array, draft 2019-09": {
        "$schema": D2019,
        "type": "array",
        "items": [{"type": "boolean"}],
        "additionalItems": {"type": "number", "maximum": 0},
    },
    "tuple as prefixItems, draft 2020-12": {
        "$schema": D2020,
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": "integer"}],
        "items": False,
        "minItems": 1,
    },
    "contains with minContains": {
        "type": "array",
        "items": {"type": "integer"},
        "maxItems": 6,
        "contains": {"minimum": 100},
        "minContains": 2,
    },
    "contains, draft 6": {"$schema": D6, "type": "array", "contains": {"type": "string", "const": "x"}},
    "uniqueItems": {"type": "array", "items": {"enum": [1, 2, 3, "a"]}, "uniqueItems": True, "minItems": 2},
    "dependencies, draft 7": {
        "$schema": D7,
        "type": "object",
        "properties": {"card": {"type": "string"}, "billing": {"type": "string"}, "cvv": {"type": "integer"}},
        "dependencies": {"card": ["billing"], "cvv": {"required": ["card"]}},
    },
    "dependentRequired and dependentSchemas": {
        "type": "object",
        "properties": {"card": {"type": "string"}, "billing": {"type": "string"}, "cvv": {"type": "integer"}},
        "dependentRequired": {"card": ["billing"]},
        "dependentSchemas": {"cvv": {"required": ["card"]}},
    },
    "patternProperties, no other keys": {
        "type": "object",
        "patternProperties": {"^x-": {"type": "integer"}},
        "properties": {"name": {"type": "string"}},
        "additionalProperties": False,
    },
    "map with propertyNames": {
        "type": "object",
        "additionalProperties": {"type": "number"},
        "propertyNames": {"pattern": "^[a-z]+$"},
        "minProperties": 1,
        "maxProperties": 3,
    },
    "oneOf with const tags": {
        "oneOf": [
            {
                "type": "object",
                "properties": {"kind": {"const": "circle"}, "r": {"type": "number", "minimum": 0}},
                "required": ["kind", "r"],
            },
            {
                "type": "object",
                "properties": {"kind": {"const": "rect"}, "w": {"type": "integer"}, "h": {"type": "integer"}},
                "required": ["kind", "w", "h"],
            },
        ]
    },
    "nullable types": {
        "type": "object",
        "properties": {"score": {"type": ["number", "null"]}, "label": {"type": ["string", "integer"], "maxLength": 3}},
    },
    "anyOf of types": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer", "minimum": 0}]},
    "allOf with $ref": {
        "$defs": {"base": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}},
        "allOf": [
            {"$ref": "#/$defs/base"},
            {"properties": {"tag": {"type": "string", "maxLength": 4}}, "required": ["tag"]},
        ],
    },
    "not": {"type": "integer", "minimum": 0, "maximum": 20, "not": {"multipleOf": 2}},
    "if then else": {
        "type": "object",
        "required": ["country", "postal"],
        "properties": {"country": {"enum": ["US", "CA"]}, "postal": {"type": "string"}},
        "if": {"properties": {"country": {"const": "US"}}},
        "then": {"properties": {"postal": {"pattern": r"^\d{5}$"}}},
        "else": {"properties": {"postal": {"pattern": r"^[A-Z]\d[A-Z] \d[A-Z]\d$"}}},
    },
    "unevaluatedProperties": {
        "type": "object",
        "allOf": [{"properties": {"a": {"type": "integer"}}}],
        "properties": {"b": {"type": "boolean"}},
        "unevaluatedProperties": False,
    },
    "boolean schemas": {
        "type": "object",
        "properties": {"anything": True, "never": False, "empty": {"type": "array", "items": False}},
    },
    "true schema": True,
    "const and enum of objects": {
        "type": "object",
        "properties": {"mode": {"const": {"fast": True}}, "unit": {"enum": [{"si": 1}, {"si": 0}, None]}},
        "required": ["mode"],
    },
    "lengths and non-ASCII": {
        "type": "object",
        "properties": {"name": {"type": "string", "minLength": 2, "maxLength": 5}},
        "required": ["name"],
    },
    "$ref siblings apply, draft 2019-09": {
        "$schema": D2019,
        "$defs": {"s": {"type": "string"}},
        "$ref": "#/$defs/s",
        "maxLength": 3,
    },
    "$ref siblings ignored, draft 7": {
        "$schema": D7,
        "definitions": {"s": {"type": "string"}},
        "$ref": "#/definitions/s",
        "maxLength": 3,
    },
    "$anchor reference": {
        "$defs": {"pos": {"$anchor": "positive", "type": "integer", "minimum": 1}},
        "type": "array",
        "items": {"$ref": "#positive"},
        "maxItems": 3,
    },
    "type inferred from keywords": {"properties": {"a": {"minimum": 0, "maximum": 5}}, "required": ["a"]},
    "minProperties beyond the named keys": {
        "type": "object",
        "properties": {"a": {"type": "integer"}},
        "minProperties": 2,
    },
    "string enum with a type": {"type": "string", "enum": ["cat", "dog", 3]},
    "embedded $id resource": {
        "$defs": {
            "inner": {
                "$id": "https://example.com/inner.json",
                "$defs": {"y": {"type": "string", "maxLength": 2}},
                "type": "object",
                "properties": {"y": {"$ref": "#/$defs/y"}},
                "required": ["y"],
            }
        },
        "type": "object",
        "properties": {"i": {"$ref": "https://example.com/inner.json"}},
        "required": ["i"],
    },
    "recursive JSON value through anyOf": {
        "$defs": {
            "j": {
                "anyOf": [
                    {"type": ["null", "boolean", "number", "string"]},
                    {"type": "array", "items": {"$ref": "#/$defs/j"}},
                    {"type": "object", "additionalProperties": {"$ref": "#/$defs/j"}},
                ]
            }
        },
        "$ref": "#/$defs/j",
    },
    "$dynamicRef tree": {
        "$id": "https://example.com/tree",
        "$dynamicAnchor": "node",
        "type": "object",
        "properties": {"data": True, "children": {"type": "array", "items": {"$dynamicRef": "#node"}}},
    },
    "unique free-form objects": {"type": "array", "items": {"type": "object"}, "uniqueItems": True, "minItems": 3},
    "not a string": {"not": {"type": "string"}},
}

UNSATISFIABLE: dict[str, Any] = {
    "false schema": False,
    "integer minimum above maximum": {"type": "integer", "minimum": 3, "maximum": 2},
    "empty enum": {"enum": []},
    "contradictory allOf types": {"allOf": [{"type": "string"}, {"type": "integer"}]},
    "contradictory allOf properties": {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "integer"}},
        "allOf": [{"properties": {"a": {"type": "string"}}}],
    },
    "minLength above maxLength": {"type": "string", "minLength": 5, "maxLength": 2},
    "minItems above maxItems": {"type": "array", "minItems": 3, "maxItems": 1},
    "required key that is false": {"type": "object", "required": ["a"], "properties": {"a": False}},
    "not anything": {"not": {}},
    "no multiple in range": {"type": "integer", "multipleOf": 2, "minimum": 3, "maximum": 3},
    "const of the wrong type": {"type": "string", "const": 1},
    "equal exclusive bounds": {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 1},
    "no integer between fractional bounds": {"type": "integer", "minimum": 0.5, "maximum": 0.7},
    "anyOf of false": {"anyOf": [False, False]},
    "infinite required recursion": {"type": "object", "properties": {"next": {"$ref": "#"}}, "required": ["next"]},
}

INVALID_SCHEMAS: dict[str, Any] = {
    "a misspelt type": {"type": "strin"},
    "a string minimum": {"minimum": "3"},
    "required as a string": {"required": "a"},
    "a broken pattern": {"pattern": "("},
    "a dangling $ref": {"$ref": "#/$defs/missing"},
    "a remote $ref": {"properties": {"a": {"$ref": "https://example.com/a.json"}}},
    "draft 3": {"$schema": "http://json-schema.org/draft-03/schema#"},
}

EXAMPLES = settings(
    max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _round_trips(value: object) -> bool:
    return bool(json.loads(json.dumps(value, allow_nan=False)) == value)


@pytest.mark.parametrize("schema", CORPUS.values(), ids=CORPUS.keys())
def test_every_generated_value_validates_and_is_strict_json(schema: Any) -> None:
    check = validator(schema)

    @EXAMPLES
    @given(valid_values(schema))
    def generated(value: object) -> None:
        assert check.is_valid(value), value
        assert _round_trips(value)

    generated()


@pytest.mark.parametrize("schema", CORPUS.values(), ids=CORPUS.keys())
def test_every_boundary_value_validates_and_the_list_is_deterministic(schema: Any) -> None:
    check = validator(schema)
    values = boundary_values(schema)
    assert values, "no boundary value"
    assert all(check.is_valid(v) and _round_trips(v) for v in values)
    assert len({json.dumps(v, sort_keys=True) for v in values}) == len(values)
    assert boundary_values(schema) == values


@pytest.mark.parametrize("schema", CORPUS.values(), ids=CORPUS.keys())
def test_every_invalid_value_is_invalid_and_every_unknown_key_value_is_valid(schema: Any) -> None:
    check = validator(schema)
    invalid = invalid_values(schema)
    assert all(not check.is_valid(v) and _round_trips(v) for _, v in invalid)
    assert invalid_values(schema) == invalid
    assert all(check.is_valid(v) for _, v in unknown_key_values(schema))


@pytest.mark.parametrize("schema", CORPUS.values(), ids=CORPUS.keys())
def test_every_corpus_schema_is_satisfiable(schema: Any) -> None:
    assert is_satisfiable(schema)


@pytest.mark.parametrize("schema", UNSATISFIABLE.values(), ids=UNSATISFIABLE.keys())
def test_a_contradictory_schema_is_unsatisfiable(schema: Any) -> None:
    assert not is_satisfiable(schema)


@pytest.mark.parametrize("schema", INVALID_SCHEMAS.values(), ids=INVALID_SCHEMAS.keys())
def test_an_invalid_schema_raises_schema_error_in_one_sentence(schema: Any) -> None:
    with pytest.raises(SchemaError) as raised:
        validator(schema)
    message = str(raised.value)
    assert message.startswith("the schema") and message.endswith(".") and "\n" not in message


def test_a_schema_error_names_the_reason_and_the_place() -> None:
    with pytest.raises(SchemaError, match=r"^the schema is invalid: .*'strin'.* at \$\.properties\.a\.type\.$"):
        validator({"properties": {"a": {"type": "strin"}}})


def test_a_schema_is_held_to_its_meta_schema_once_and_an_invalid_one_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import jsonschema

    checked: list[object] = []
    original = jsonschema.Draft7Validator.check_schema.__func__  # a classmethod

    def counting(cls: Any, schema: Any, *args: Any, **kwargs: Any) -> None:
        checked.append(schema)
        original(cls, schema, *args, **kwargs)

    monkeypatch.setattr(jsonschema.Draft7Validator, "check_schema", classmethod(counting))
    draft7 = "http://json-schema.org/draft-07/schema#"
    valid = {"$schema": draft7, "type": "object", "properties": {"n": {"type": "integer", "minimum": 17}}}
    for _ in range(3):
        assert validator(json.loads(json.dumps(valid))).is_valid({"n": 17})  # an equal schema, not the same object
    assert len(checked) == 1
    invalid = {"$schema": draft7, "type": "strin", "title": "checked each time"}
    for _ in range(2):
        with pytest.raises(SchemaError):
            validator(invalid)
    assert len(checked) == 3


def test_array_boundaries_are_the_shortest_the_next_and_the_longest() -> None:
    values = boundary_values({"type": "array", "minItems": 0, "maxItems": 3, "items": {"type": "integer"}})
    assert {0, 1, 3} <= {len(v) for v in values if isinstance(v, list)}


def test_an_array_without_maxitems_also_gets_a_long_one() -> None:
    values = boundary_values({"type": "array", "minItems": 2, "items": {"type": "boolean"}})
    assert {2, 3, 10} <= {len(v) for v in values if isinstance(v, list)}
    assert not any(len(v) < 2 for v in values if isinstance(v, list))


def test_every_enum_member_and_const_is_a_boundary() -> None:
    assert boundary_values({"enum": ["a", 2, None, {"k": [1]}]}) == ["a", 2, None, {"k": [1]}]
    assert boundary_values({"const": {"fast": True}}) == [{"fast": True}]


def test_optional_keys_are_absent_and_present_one_at_a_time_and_all_together() -> None:
    schema = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"const": 1}, "b": {"const": 2}, "c": {"const": 3}},
    }
    values = boundary_values(schema)
    for expected in ({"a": 1}, {"a": 1, "b": 2}, {"a": 1, "c": 3}, {"a": 1, "b": 2, "c": 3}):
        assert expected in values
    assert values[0] == {"a": 1}, "the smallest value comes first"


def test_number_boundaries_are_the_nearest_valid_numbers() -> None:
    integers = boundary_values({"type": "integer", "minimum": 3, "exclusiveMaximum": 10})
    assert {3, 9} <= set(integers) and 10 not in integers
    old = boundary_values({"$schema": D4, "type": "integer", "minimum": 3, "exclusiveMinimum": True})
    assert 4 in old and 3 not in old
    reals = boundary_values({"type": "number", "exclusiveMinimum": 0, "maximum": 1})
    assert {math.nextafter(0, 1), 1, 0.5} <= set(reals) and 0 not in reals
    assert {0, -1, 1} <= set(boundary_values({"type": "integer"}))


def test_string_boundaries_cover_lengths_and_non_ascii() -> None:
    values = boundary_values({"type": "string", "minLength": 2, "maxLength": 5})
    assert {2, 5} <= {len(v) for v in values if isinstance(v, str)}
    assert "東京" in values and "" not in values
    assert {"", "é", "東京", "😀"} <= set(boundary_values({"type": "string"}))


def test_each_anyof_branch_is_a_boundary() -> None:
    values = boundary_values({"anyOf": [{"type": "string"}, {"type": "null"}, {"type": "boolean"}]})
    assert {type(v) for v in values} == {str, type(None), bool}


def test_the_boundary_list_is_capped() -> None:
    assert len(boundary_values(ML_BODY, limit=5)) == 5


def test_invalid_values_read_as_what_is_wrong() -> None:
    schema = {
        "type": "object",
        "required": ["data"],
        "additionalProperties": False,
        "properties": {"data": {"type": "array", "maxItems": 2, "items": {"type": "number", "minimum": 0}}},
    }
    found = dict(invalid_values(schema))
    assert found["missing required key 'data'"] == {}
    assert found["'data' is a string, not an array"] == {"data": "text"}
    assert found["'data' is null, not an array"] == {"data": None}
    assert found["'data' has 3 items where maxItems is 2"] == {"data": [0, 0, 0]}
    assert found["'data[0]' is -1 where minimum is 0"] == {"data": [-1]}
    assert found["the body is a number, not an object"] == 1.5
    assert found["the body is null, not an object"] is None
    assert "unknown key 'unexpected_key' where additionalProperties is false" in found


def test_invalid_values_cover_nested_keys_patterns_and_enums() -> None:
    found = dict(invalid_values(AZURE_BODY))
    assert "missing required key 'columns' in 'input_data'" in found
    assert "'input_data.data[0]' has 4 items where maxItems is 3" not in found  # items: false says it instead
    assert "'input_data.data[0]' has 4 items where only 3 are allowed" in found
    codes = dict(invalid_values(CORPUS["anchored pattern"]))
    assert codes["'code' is '', which does not match '^[A-Z]{3}-\\\\d{4}$'"] == {"code": ""}
    assert "the body is 'other', not one of 'cat', 'dog', 3" in dict(invalid_values(CORPUS["string enum with a type"]))


def test_one_item_or_character_too_few_or_too_many_is_counted_in_the_singular() -> None:
    schema = {
        "type": "object",
        "required": ["data", "code", "empty", "pair"],
        "properties": {
            "data": {"type": "array", "items": {"type": "integer"}, "minItems": 2},
            "code": {"type": "string", "minLength": 2},
            "empty": {"type": "string", "maxLength": 0},
            "pair": {"type": "array", "prefixItems": [{"type": "integer"}], "items": False},
        },
    }
    found = {what for what, _ in invalid_values(schema)}
    assert "'data' has 1 item where minItems is 2" in found
    assert "'code' has 1 character where minLength is 2" in found
    assert "'empty' has 1 character where maxLength is 0" in found
    assert "'pair' has 2 items where only 1 is allowed" in found
    assert not [what for what in found if " 1 items" in what or " 1 characters" in what]


def test_unknown_keys_are_offered_only_where_additional_properties_allows_them() -> None:
    found = dict(unknown_key_values(AZURE_BODY))
    assert list(found) == ["unknown key 'unexpected_key'"]
    assert found["unknown key 'unexpected_key'"]["unexpected_key"] == "unexpected"  # type: ignore[index]


def test_valid_values_never_invent_keys_the_schema_does_not_name() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}, "required": ["a"]}

    @EXAMPLES
    @given(valid_values(schema))
    def keys(value: dict[str, object]) -> None:
        assert set(value) <= {"a", "b"} and "a" in value

    keys()


def test_an_object_that_names_no_key_is_a_map_and_gets_entries() -> None:
    schema = {"type": "object", "additionalProperties": {"type": "integer"}}
    sizes = {len(v) for v in find_all(schema)}
    assert 0 in sizes and max(sizes) >= 2


def test_a_pattern_ending_in_dollar_gets_no_trailing_newline() -> None:
    # Python's $ matches before a final newline, ECMA-262's does not: "ABC-1234\n" passes jsonschema only.
    assert not any(v.endswith("\n") for v in find_all({"type": "string", "pattern": r"^[A-Z]{3}-\d{4}$"}))


def test_an_unanchored_pattern_is_searched_not_fully_matched() -> None:
    values = find_all({"type": "string", "pattern": r"\d"})
    assert any(len(v) > 1 for v in values)  # text around the digit


def test_the_strategies_module_imports_nothing_else_of_the_engine() -> None:
    code = (
        "import sys, score_contract.inputs.strategies; "
        "print(sorted(m for m in sys.modules if m.startswith('score_contract.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert ast.literal_eval(loaded) == [
        "score_contract.inputs",
        "score_contract.inputs.enum_lookup",
        "score_contract.inputs.json_schemas",
        "score_contract.inputs.primitives",
        "score_contract.inputs.schema_cases",
        "score_contract.inputs.schema_mistakes",
        "score_contract.inputs.strategies",
    ]


def test_valid_values_rejects_an_invalid_schema() -> None:
    with pytest.raises(SchemaError):
        valid_values({"type": "strin"})


def find_all(schema: Any) -> list[Any]:
    """The values one derandomized run draws."""
    drawn: list[Any] = []

    @EXAMPLES
    @given(valid_values(schema))
    def collect(value: object) -> None:
        drawn.append(value)

    collect()
    return drawn


def test_shrinking_goes_to_one_short_row_of_small_values() -> None:
    def has_big_item(value: object) -> bool:
        return isinstance(value, dict) and any(x > 5 for row in value["data"] for x in row)

    smallest = find(valid_values(ML_BODY), has_big_item, settings=settings(database=None, derandomize=True))
    assert isinstance(smallest, dict) and len(smallest["data"]) == 1
    assert sorted(smallest["data"][0]) == [0] * 9 + [6]


def test_shrinking_drops_optional_keys_and_array_items() -> None:
    def has_old_record(value: Any) -> bool:
        return any(record["age"] > 30 for record in value)

    smallest = find(valid_values(RECORDS), has_old_record, settings=settings(database=None, derandomize=True))
    assert smallest == [{"age": 31}]


def test_an_unsatisfiable_schema_draws_nothing() -> None:
    assert boundary_values({"type": "integer", "minimum": 3, "maximum": 2}) == []
    assert invalid_values(False) == []


_JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.0, 1.0, -1.0, 2.5, 1e300]), st.sampled_from("ab")
)
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("xyz"), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(members=st.lists(_JSON, min_size=1, max_size=6), instance=_JSON)
@example(members=[1], instance=True)
@example(members=[True, 0], instance=False)
@example(members=[1.0, "a"], instance=1)
@example(members=[[1, {"x": 2.0}]], instance=[1.0, {"x": 2}])
@example(members=[[True]], instance=[1])
@example(members=[{"x": None}], instance={"x": None, "y": 1})
def test_the_validators_enum_decides_and_words_as_jsonschemas_own(members: list[Any], instance: Any) -> None:
    """json_schemas' enum is a set lookup (sample-inferred schemas list hundreds of rows): the same verdict and the
    same message as jsonschema's, on values where equality is subtle (True is not 1, 1 is 1.0, nested containers)."""
    import jsonschema

    from score_contract.inputs.json_schemas import validator

    ours = [error.message for error in validator({"enum": members}).iter_errors(instance)]
    theirs = [error.message for error in jsonschema.Draft202012Validator({"enum": members}).iter_errors(instance)]
    assert ours == theirs
