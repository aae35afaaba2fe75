"""Which place of a failing body decided the failure: the one place where it differs from a
passing body, found among the bodies sent or by crossing the two."""

from __future__ import annotations

import json

from score_contract.core.observations import Body
from score_contract.judging.deciding import ABSENT, crossings, decision, places, put

FAILED = {"Inputs": {"data": [{"age": 0, "balance": 0}]}, "GlobalParameters": {"method": ""}}
SAMPLE = {"Inputs": {"data": [{"age": 0, "balance": 0.0}]}, "GlobalParameters": {"method": "predict"}}


def test_places_are_the_innermost_differences_and_one_number_is_one_number() -> None:
    assert list(places(FAILED, SAMPLE)) == [(("GlobalParameters", "method"), "", "predict")]
    assert list(places({"a": [1, 2]}, {"a": [1]})) == [(("a",), [1, 2], [1])]  # lists of other lengths: one place
    assert list(places({"a": 1}, {"b": 1})) == [(("a",), 1, ABSENT), (("b",), ABSENT, 1)]
    assert list(places({"flag": True}, {"flag": 1})) == [(("flag",), True, 1)]  # true is no number


def test_the_deepest_single_difference_decides_and_names_the_passing_body() -> None:
    shown = Body.from_json(FAILED, "a boundary of the contract")
    without = Body.from_json({"Inputs": FAILED["Inputs"]}, "a boundary of the contract")
    sample = Body.from_json(SAMPLE, "the decorators' sample")
    found = decision([shown], [without, sample])
    assert found is not None and found.path == "$.GlobalParameters.method"
    assert found.describe(shown) == (
        'decided by $.GlobalParameters.method: the same body with "predict" there passes (as in the decorators\''
        ' sample); with "", it fails.'
    )


def test_bodies_that_differ_in_two_places_decide_nothing() -> None:
    other = {"Inputs": {"data": [{"age": 3, "balance": 0}]}, "GlobalParameters": {"method": "predict"}}
    assert decision([Body.from_json(FAILED)], [Body.from_json(other)]) is None


def test_a_key_left_out_and_a_list_of_another_length_read_as_such() -> None:
    failing = Body.from_json({"data": [[1, 2]], "threshold": 0.9}, "samples/a.json")
    found = decision([failing], [Body.from_json({"data": [[1, 2]]}, "samples/b.json")])
    assert found is not None
    assert found.describe(failing) == (
        "decided by $.threshold: the same body without $.threshold passes (as in samples/b.json); with 0.9, it fails."
    )
    found = decision([Body.from_json({"data": []})], [Body.from_json({"data": [[1, 2]]})])
    assert found is not None and found.describe() == (
        "decided by $.data: a failing body with 1 item there passes; with 0 items, it fails."
    )


def test_crossing_takes_one_place_at_a_time_from_the_passing_body() -> None:
    failed = {"a": {"x": 1, "y": 2}, "b": [1, 2, 3], "c": 0}
    passed = {"a": {"x": 1, "y": 5}, "b": [1], "d": 1}
    assert crossings(failed, passed) == [
        (("a", "y"), {"a": {"x": 1, "y": 5}, "b": [1, 2, 3], "c": 0}),
        (("b",), {"a": {"x": 1, "y": 2}, "b": [1], "c": 0}),
        (("c",), {"a": {"x": 1, "y": 2}, "b": [1, 2, 3]}),
        (("d",), {"a": {"x": 1, "y": 2}, "b": [1, 2, 3], "c": 0, "d": 1}),
    ]
    assert put([{"k": 1}], (0, "k"), 2) == [{"k": 2}]


def test_the_exploration_crosses_a_failing_body_with_a_passing_one_until_one_place_decides() -> None:
    from score_contract.core.observations import Call, HttpResponse, Phase, ScriptError
    from score_contract.exploration.explore import _cross_failures
    from score_contract.exploration.sender import Sender

    ok = HttpResponse(200, (("Content-Type", "application/json"),), b"{}")
    boom = ScriptError("ValueError", "negative rate", "score.py:3 in run\nValueError: negative rate")

    def send(body: Body, phase: Phase) -> Call:
        value = json.loads(body.data)
        failed = value["rate"] < 0  # what decides, unknown to the explorer
        return Call(body, response=ok, error=boom if failed else None, phase=phase)

    sender = Sender(send)
    sender.pairing = False
    failing = sender(Body.from_json({"rate": -3, "rows": [1, 2], "tag": "x"}, "generated"), "generated")
    passing = sender(Body.from_json({"rate": 2, "rows": [], "tag": "y"}, "samples/a.json"), "sample")
    schema = {"type": "object"}
    crossed = _cross_failures(sender, [failing, passing], schema)
    # Taken from the passing body one place at a time: the rate first, which passes; nothing more is sent.
    assert [json.loads(c.body.data) for c in crossed] == [{"rate": 2, "rows": [1, 2], "tag": "x"}]
    found = decision([failing.body], [c.body for c in (passing, *crossed) if c.error is None])
    assert found is not None and found.path == "$.rate"
    # When the bodies sent already say it, nothing is crossed.
    assert _cross_failures(sender, [failing, passing, *crossed], schema) == []
