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


# -- when a failure is said to be confined to an edge ------------------------------

from score_contract.core.observations import Body, Phase  # noqa: E402
from score_contract.judging.verdicts import Judged  # noqa: E402
from score_contract.online.report import edge_note  # noqa: E402


def judged(value: object, broken: bool, phase: Phase = "boundary") -> Judged:
    return Judged(Body.from_json(value), phase, broken)


def test_every_failing_body_on_one_edge_and_bodies_off_it_passing_is_an_edge() -> None:
    failing = [judged({"data": []}, True), judged({"data": [], "threshold": 0.5}, True)]
    passing = [judged({"data": [[1, 2, 3]]}, False, "sample"), judged({"data": [[1, 2, 3]] * 2}, False)]
    note = edge_note(failing, passing, BATCH)
    assert note[0] == "found only at an edge of the contract: an empty list at $.data."
    assert note[1].endswith('with "minItems": 1 at $.data.')


def test_failing_bodies_that_each_sit_on_some_edge_but_not_one_edge_are_not_confined_to_one() -> None:
    # What a lost import gives: everything with a row fails, the empty batch passes. Each failing body sits
    # on an edge of its own (a single item, zeros, the most items), and "minItems": 2 would fix nothing.
    failing = [
        judged({"data": [[0, 0, 0]]}, True),
        judged({"data": [[5.1, 3.5, 1.4]]}, True, "sample"),
        judged({"data": [[0, 0, 0]] * 10}, True),
        judged({"data": [[-1, 0, 0], [0, 0, 0]]}, True),
    ]
    assert edge_note(failing, [judged({"data": []}, False)], BATCH) == []


def test_an_edge_a_passing_body_sits_on_too_is_no_cause_and_no_remedy() -> None:
    # Narrowing to "minItems": 2 would refuse the user's own one-row sample, which passes.
    failing = [judged({"data": [[0, 0, 0]]}, True), judged({"data": [[9, 9, 9]]}, True)]
    passing = [judged({"data": [[5.1, 3.5, 1.4]]}, False, "sample"), judged({"data": [[1, 1, 1]] * 2}, False)]
    assert edge_note(failing, passing, BATCH) == []
    # 33 rows overflow a buffer: the failing bodies' zeros are no cause, other bodies with zeros pass.
    failing = [judged({"data": [[0, 0, 0]] * 33}, True), judged({"data": [[0, 0, 0]] * 40}, True)]
    passing = [judged({"data": [[0, 0, 0]] * 2}, False), judged({"data": [[1, 2, 3]] * 3}, False)]
    assert edge_note(failing, passing, {"type": "object"}) == []


def test_only_an_edge_at_the_place_that_decided_is_named() -> None:
    failing = [judged({"data": [[0, 0, 0]], "threshold": 0}, True)]
    passing = [judged({"data": [[0, 0, 0]], "threshold": 0.5}, False), judged({"data": [[1, 1, 1]] * 2}, False)]
    note = edge_note(failing, passing, BATCH, decided="$.threshold")
    assert note and note[0] == "found only at an edge of the contract: the smallest number allowed (0) at $.threshold."
