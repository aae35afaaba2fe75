"""Bodies sent to the worker together (issue 22): the same calls, in the same order, with the same bookkeeping as
sending them one at a time, in fewer round trips; a stream ends where the worker ends."""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path

from score_contract.config.settings import resolve
from score_contract.core.contract import Contract
from score_contract.core.observations import Body, Call, Death, HttpResponse, Phase, ScriptError
from score_contract.exploration.explore import Exploration, Plan, explore
from score_contract.exploration.sender import BACK_TO_BACK, Sender
from score_contract.online.runner import ScriptRun
from score_contract.pipeline.context import RunContext
from score_contract.planning.script import plan
from tests.conftest import REPO, SCRIPTS

OK = (("Content-Type", "application/json"),)


class FakeWorker:
    """run() decided by the body: "exit" ends the worker, "hang" hangs, "raise" fails, an integer above ``too_big``
    raises, anything else is answered; an answer says which worker gave it. Counts round trips."""

    def __init__(self, too_big: int | None = None) -> None:
        self.too_big = too_big
        self.round_trips = 0
        self.incarnation = 1
        self.alive = True

    def outcome(self, body: Body, phase: Phase) -> Call:
        if not self.alive:
            self.alive, self.incarnation = True, self.incarnation + 1  # a replacement, as ScriptRun._restart
        try:
            value = json.dumps(json.loads(body.data)["data"])
        except (ValueError, KeyError, TypeError):
            value = json.dumps(body.text)  # an invalid body: answered
        if self.too_big is not None and value.isdigit() and int(value) > self.too_big:
            error = ScriptError("ValueError", "too big", 'File "score.py", line 9, in run')
            return Call(body, response=HttpResponse(500, OK, b'"too big"'), error=error, phase=phase)
        if value == '"exit"':
            self.alive = False
            return Call(body, death=Death(exit_code=3), phase=phase, incarnation=self.incarnation)
        if value == '"hang"':
            self.alive = False
            return Call(body, timed_out=True, death=Death(hung_after=3.0), phase=phase, incarnation=self.incarnation)
        if value == '"raise"':
            return Call(body, response=HttpResponse(500, OK, b'"boom"'), phase=phase, incarnation=self.incarnation)
        answer = f'{{"echo": {value}, "worker": {self.incarnation}}}'.encode()
        return Call(body, response=HttpResponse(200, OK, answer), phase=phase, incarnation=self.incarnation)

    def send(self, body: Body, phase: Phase) -> Call:
        self.round_trips += 1
        return self.outcome(body, phase)

    def stream(self, bodies: list[Body], phase: Phase) -> Generator[Call, None, None]:
        self.round_trips += 1
        for body in bodies:
            call = self.outcome(body, phase)
            yield call
            if call.death is not None:
                return


def _explored(
    values: list[object],
    streamed: bool,
    contract: Contract | None = None,
    examples: int = 0,
    too_big: int | None = None,
) -> tuple[list[tuple[str, str, int, object]], Exploration, int]:
    worker = FakeWorker(too_big)
    samples = tuple(Body.from_json({"data": value}, "a sample") for value in values)
    found = explore(
        worker.send,
        Plan(samples=samples, contract=contract or Contract(), examples=examples, seed=1, key="k"),
        worker.stream if streamed else None,
    )
    seen: list[tuple[str, str, int, object]] = [
        (c.body.text, c.phase, c.incarnation, c.response.status if c.response else c.timed_out) for c in found.calls
    ]
    return seen, found, worker.round_trips


def test_streamed_bodies_give_the_calls_and_counts_of_bodies_sent_one_by_one_in_fewer_round_trips() -> None:
    values: list[object] = ["raise", 1, 2, "exit", 3, 4, "hang", 5, 6, "raise", 7]
    one_by_one, alone, trips_alone = _explored(values, streamed=False)
    streamed, together, trips_together = _explored(values, streamed=True)
    assert streamed == one_by_one
    assert together.sent == alone.sent
    # The first answered body's back-to-back repeats follow it directly, and the later samples reach replacements.
    phases = [phase for _, phase, _, _ in streamed]
    assert phases[: BACK_TO_BACK + 3] == ["sample", "sample", *["repeat"] * BACK_TO_BACK, "sample"]
    assert {incarnation for _, _, incarnation, _ in streamed} == {1, 2, 3}
    # The back-to-back repeats go one at a time either way (each is compared before the next is sent).
    assert trips_together - BACK_TO_BACK < (trips_alone - BACK_TO_BACK) / 3, (trips_together, trips_alone)


#: Integers above 1000 make run() fail: Hypothesis finds one and shrinks it to 1001.
NUMBERS = Contract(
    "a schema file",
    {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "integer"}},
        "additionalProperties": False,
    },
)


def test_the_search_drawn_first_and_streamed_sends_what_the_search_as_a_test_sends() -> None:
    # Every generated body holds: decided by the bodies drawn first, the same ones in the same order.
    one_by_one, _, trips_alone = _explored([1], streamed=False, contract=NUMBERS, examples=40)
    streamed, _, trips_together = _explored([1], streamed=True, contract=NUMBERS, examples=40)
    assert [c for c in streamed if c[1] == "generated"] == [c for c in one_by_one if c[1] == "generated"]
    assert len([c for c in streamed if c[1] == "generated"]) >= 30
    assert trips_together < trips_alone / 5, (trips_together, trips_alone)


def test_a_body_that_breaks_a_check_in_the_streamed_round_is_shrunk_as_the_search_shrinks_it() -> None:
    one_by_one, alone, _ = _explored([1], streamed=False, contract=NUMBERS, examples=60, too_big=1000)
    streamed, together, _ = _explored([1], streamed=True, contract=NUMBERS, examples=60, too_big=1000)
    failed = [c for c in streamed if c[1] == "generated" and c[3] == 500]
    assert failed == [c for c in one_by_one if c[1] == "generated" and c[3] == 500]
    assert ('{"data": 1001}', "generated", 1, 500) in failed  # the smallest body past the edge
    # Bodies already sent in the streamed round are answered from it, not sent twice.
    assert together.sent["generated"] <= alone.sent["generated"]


def test_a_hang_in_a_stream_stops_a_phase_that_starts_nothing_new_after_a_hang() -> None:
    worker = FakeWorker()
    sender = Sender(worker.send, stream_to_worker=worker.stream, pairing=False)
    bodies = [Body.from_json({"data": v}) for v in [1, "hang", 2, 3]]
    calls = []
    for call in sender.many(bodies, "boundary"):
        calls.append(call)
        if sender.hung:
            break
    assert [c.body.text for c in calls] == ['{"data": 1}', '{"data": "hang"}']
    # A body that hung is answered from memory, not sent again.
    (again,) = list(sender.many([bodies[1]], "boundary"))
    assert again.timed_out and worker.round_trips == 1


def _run(script: Path, **options: object) -> ScriptRun:
    settings = resolve(scripts=[str(script)], base=REPO, seed=1, **options)  # type: ignore[arg-type]
    return ScriptRun(plan(settings, settings.scripts[0], REPO), settings, RunContext())


def test_a_real_worker_answers_each_streamed_body_with_its_own_output_and_a_replacement_takes_the_rest() -> None:
    run = _run(SCRIPTS / "stream_mixed" / "score.py", timeout="1", examples="0")
    try:
        samples = [c for c in run.calls() if c.phase == "sample"]
    finally:
        run.close()
    by_value = {c.body.text: c for c in samples}
    assert [c.body.text for c in samples] == [
        '{"data": 1}', '{"data": 2}', '{"data": "exit"}', '{"data": 3}', '{"data": 4}', '{"data": "hang"}',
        '{"data": 5}', '{"data": 6}',
    ]  # fmt: skip
    for value in ("1", "2", "3", "4", "5", "6"):
        call = by_value[f'{{"data": {value}}}']
        assert call.response is not None and call.response.status == 200
        assert call.output == f"handling {value}"  # its own print, no other body's
    exited, hung = by_value['{"data": "exit"}'], by_value['{"data": "hang"}']
    assert exited.death is not None and exited.death.exit_code == 3
    assert hung.timed_out and hung.death is None  # the worker's own deadline stopped run(); the worker goes on
    # Each body after the exit went to a new worker, and still got its answer.
    assert [c.incarnation for c in samples] == [1, 1, 1, 2, 2, 2, 2, 2]


def test_a_stream_closed_early_is_stopped_by_the_worker_itself_which_then_takes_the_next_body() -> None:
    run = _run(SCRIPTS / "stream_mixed" / "score.py", timeout="1", examples="0")
    try:
        assert run.initialized() is not None
        bodies = [Body.from_json({"data": value}) for value in ["hang", 1, 2, 3]]
        stream = run._stream(bodies, "boundary")
        first = next(stream)
        assert first.timed_out and first.death is None
        stream.close()  # a phase that starts nothing new after a hang
        after = run._send(Body.from_json({"data": 9}), "invalid")
    finally:
        run.close()
    assert after.response is not None and after.response.status == 200
    assert after.incarnation == first.incarnation  # the same worker: stopped, not killed
    assert after.output == "handling 9"  # nothing of the bodies it skipped


def test_the_recording_pass_stops_drawing_at_the_first_hundred_that_holds_a_failure() -> None:
    from hypothesis import strategies as st

    from score_contract.exploration import search

    chunks: list[int] = []

    def call(value: object) -> Call:
        body = Body.from_json(value)
        return Call(body, response=HttpResponse(200, OK, body.data))

    def send_all(values: list[object]) -> list[Call | None]:
        chunks.append(len(values))
        return [call(value) for value in values]

    outcome = search.search(
        st.integers(),
        call,
        lambda c: "run_accepts_valid_input" if abs(int(c.body.text)) > 1000 else None,
        examples=5_000,
        seed=1,
        key="k",
        send_all=send_all,
    )
    # One batch of DRAWN_AT_ONCE was drawn and sent, and held a failure: the search proper shrank it from there,
    # without the 4,900 more bodies drawn first.
    assert chunks == [search.DRAWN_AT_ONCE]
    assert [(check, c.body.text) for check, c in outcome.smallest_failures] == [("run_accepts_valid_input", "1001")]
    assert not outcome.drawn_first
