"""The sender: hangs are capped, a hung body is not sent twice, the first answer is repeated back to back."""

from __future__ import annotations

from score_contract.core.observations import Body, Call, HttpResponse, Phase
from score_contract.exploration.sender import MAX_HANGS, NOT_SENT, Sender

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
    pair = sender.take_pair(0)
    assert pair is not None and pair.back_to_back and pair.repeat_of == 0
    assert pair.changed == "$.score: 0.25 → 0.75"  # the elapsed time changes by itself
    assert list(sender.volatile_seen) == ["$.elapsed"]
    sender(Body.from_json({"data": [2]}), "sample")
    assert sender.take_pair(1) is None  # only once
