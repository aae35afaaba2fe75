"""The sender: hangs are capped, a hung body is not sent twice, the first answer is repeated back to back."""

from __future__ import annotations

from score_contract.core.observations import Body, Call, HttpResponse, Phase
from score_contract.exploration.sender import BACK_TO_BACK, MAX_HANGS, NOT_SENT, Sender

OK = HttpResponse(200, (("Content-Type", "application/json"),), b'{"score": 1}')


def test_after_the_hang_budget_no_new_valid_body_is_sent() -> None:
    sent: list[bytes] = []

    def hangs(body: Body, phase: Phase) -> Call:
        sent.append(body.data)
        return Call(body, timed_out=True, phase=phase)

    sender = Sender(hangs)
    calls = [sender(Body.from_json(n), "generated") for n in range(20)]
    assert len(sent) == MAX_HANGS and sender.hung
    assert all(c.rejected is not None and c.rejected.startswith(NOT_SENT) for c in calls[MAX_HANGS:])
    # A body that hung is remembered, not sent again (Hypothesis replays its failures).
    assert sender(Body.from_json(0), "generated").timed_out and len(sent) == MAX_HANGS
    # Invalid bodies keep their own budget.
    assert sender(Body(b"{", "invalid"), "invalid").rejected is None


def test_the_first_answered_body_is_sent_again_back_to_back() -> None:
    answers = iter([b'{"score": 0.25}', b'{"score": 0.75, "elapsed": 0.1}', b'{"score": 0.25}'])

    def send(body: Body, phase: Phase) -> Call:
        return Call(body, response=HttpResponse(200, OK.headers, next(answers)), phase=phase)

    sender = Sender(send)
    sender(Body.from_json({"data": [1]}), "sample")
    (pair,) = sender.take_pairs(0)  # it differed at once: that says it
    assert pair.back_to_back and pair.repeat_of == 0
    assert pair.changed == "$.score: 0.25 → 0.75"  # the elapsed time changes by itself
    assert list(sender.volatile_seen) == ["$.elapsed"]
    sender(Body.from_json({"data": [2]}), "sample")
    assert sender.take_pairs(1) == []  # only once


def test_an_answer_that_agreed_once_by_chance_is_asked_again_before_nondeterminism_is_ruled_out() -> None:
    # Dropout left on: the same answer twice in a row happens (1 time in 11 for twelve inputs at 10 %).
    answers = iter([b'{"score": 0.5}', b'{"score": 0.5}', b'{"score": 0.5}', b'{"score": 0.7}', b'{"score": 0.5}'])

    def send(body: Body, phase: Phase) -> Call:
        return Call(body, response=HttpResponse(200, OK.headers, next(answers)), phase=phase)

    sender = Sender(send)
    sender(Body.from_json({"data": [1]}), "sample")
    pairs = sender.take_pairs(0)
    assert [p.changed for p in pairs] == [None, None, "$.score: 0.5 → 0.7"]
    assert all(p.back_to_back and p.repeat_of == 0 for p in pairs)
    # A deterministic answer is asked BACK_TO_BACK times in all, no more.
    steady = Sender(lambda body, phase: Call(body, response=OK, phase=phase))
    steady(Body.from_json({"data": [1]}), "sample")
    assert [p.changed for p in steady.take_pairs(0)] == [None] * BACK_TO_BACK
