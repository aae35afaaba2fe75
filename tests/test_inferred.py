"""A conservative contract guessed from the samples, for a script that declares none."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from score_contract.inputs.inferred import infer_schema
from score_contract.inputs.strategies import boundary_values, valid_values, validator

BATCH = {"data": [[1, 2, 3], [4, 5, 6]], "threshold": 0.5}
SPLIT = {"input_data": {"columns": ["a", "b"], "index": [0, 1], "data": [[1.0, 2.0], [3.0, 4.0]]}}


def schema_of(*samples: object) -> dict[str, Any]:
    schema = infer_schema(list(samples))
    assert schema is not None
    return schema


def test_a_batch_varies_in_length_by_reusing_its_rows_and_keeps_its_keys() -> None:
    check = validator(schema_of(BATCH))
    assert check.is_valid({"data": [], "threshold": 0.5})
    assert check.is_valid({"data": [[4, 5, 6]] * 4, "threshold": 0.5})  # more rows than the samples had
    assert not check.is_valid({"data": [[4, 5, 6]] * 5, "threshold": 0.5})
    assert not check.is_valid({"data": [[1, 2]], "threshold": 0.5})  # rows are the samples' rows, whole
    assert not check.is_valid({"data": [[1, 2, 3]], "threshold": 0.5, "extra": 1})
    assert not check.is_valid({"data": [[1, 2, 3]], "threshold": 0.9})  # numbers stay within what was seen
    assert {"data": [], "threshold": 0.5} in boundary_values(schema_of(BATCH))


def test_a_key_only_some_samples_have_is_optional() -> None:
    check = validator(schema_of({"texts": ["a"]}, {"texts": ["b"], "lang": "en"}))
    assert check.is_valid({"texts": ["a", "b", "a"]}) and check.is_valid({"texts": [], "lang": "en"})


def test_arrays_that_go_together_stay_as_the_samples_have_them() -> None:
    check = validator(schema_of(SPLIT))
    assert check.is_valid(SPLIT)
    shorter = {"input_data": {**SPLIT["input_data"], "data": [[1.0, 2.0]]}}
    assert not check.is_valid(shorter)  # index and data keep their lengths together
    fewer_columns = {"input_data": {**SPLIT["input_data"], "columns": ["a"]}}
    assert not check.is_valid(fewer_columns)


def test_no_json_sample_guesses_nothing() -> None:
    assert infer_schema([]) is None


@settings(max_examples=50, deadline=None)
@given(valid_values(schema_of(BATCH, {"data": [[7, 8, 9]], "threshold": 0.25})))
def test_every_generated_variation_is_valid_under_the_guess(value: object) -> None:
    assert validator(schema_of(BATCH, {"data": [[7, 8, 9]], "threshold": 0.25})).is_valid(value)
