"""Which edge of the contract a failing body sits on, and how a schema would narrow it."""

from __future__ import annotations

from score_contract.inputs.edges import edges

BATCH = {
    "type": "object",
    "properties": {
        "data": {"type": "array", "maxItems": 10, "items": {"type": "array", "minItems": 3, "maxItems": 3}},
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "required": ["data"],
}


def whats(value: object, schema: dict[str, object] | None = BATCH) -> list[str]:
    return [edge.what for edge in edges(value, schema)]


def test_an_empty_batch_and_an_optional_key_left_out_are_edges() -> None:
    assert whats({"data": []}) == ["$.threshold left out", "an empty list at $.data"]
    (empty,) = [e for e in edges({"data": [], "threshold": 0.5}, BATCH)]
    assert empty.narrowing == '"minItems": 1 at $.data'


def test_a_single_row_is_an_edge_but_a_fixed_row_width_and_its_zeros_are_not() -> None:
    assert whats({"data": [[0, 0, 0]], "threshold": 0.5}) == ["a single item at $.data"]


def test_bounds_zero_and_negative_numbers() -> None:
    assert whats({"data": [[1, 2, 3], [4, 5, 6]], "threshold": 1}) == ["the largest number allowed (1) at $.threshold"]
    assert whats({"income": 0}, {"type": "object"}) == ["zero at $.income"]
    assert whats({"income": -3}, None) == ["a negative number at $.income"]


def test_lists_of_different_lengths_side_by_side() -> None:
    found = edges({"ids": [1, 2], "scores": [0.5]}, {"type": "object"})
    assert found[0].what == "lists of different lengths side by side: $.ids (2) and $.scores (1)"
    assert found[0].narrowing == ""  # JSON Schema cannot say that two lists are as long as each other


def test_strings_and_nulls() -> None:
    assert whats({"name": ""}, None) == ["an empty string at $.name"]
    assert whats({"name": "é"}, None) == ["non-ASCII text at $.name"]
    assert whats({"name": None}, None) == ["null at $.name"]


def test_a_body_in_the_middle_of_the_contract_sits_on_no_edge() -> None:
    assert whats({"data": [[1, 2, 3], [4, 5, 6]], "threshold": 0.5}) == []
