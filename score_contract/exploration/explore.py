"""The order in which request bodies are sent to one script.

1. examples: the user's samples, then the decorators' own sample (the first one
   answered is sent again, back to back: see :mod:`.sender`);
2. boundaries: the contract's edges (0, 1 and the most rows, each enum value,
   bounds, optional keys absent and present, empty strings) — schemathesis'
   coverage phase;
3. random: Hypothesis over the contract, shrinking each broken check to its
   smallest body;
   without a declared contract, 2 and 3 run over one guessed from the samples
   (:mod:`score_contract.inputs.inferred`), as the "varied" phase;
4. invalid bodies: run() may raise or answer 4xx, but must not hang or end the
   process;
5. the same bodies again: the answer must not have changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..core.compare import Difference, json_path
from ..core.contract import Contract
from ..core.observations import NOT_JSON, VALID_AND_VARIED, Body, Call, Phase
from ..core.wording import plural
from ..judging.checks import CHECKS, Check
from .sender import Progress, Send, Sender, Stream, hung

#: Bodies that are invalid for any contract: (what they are, bytes, content type).
GENERIC_INVALID: tuple[tuple[str, bytes, str], ...] = (
    ("malformed JSON", b'{"data": [1, 2', "application/json"),
    ("an empty body", b"", "application/json"),
    ("a bare number instead of an object", b"1", "application/json"),
    ("a bare string instead of an object", b'"text"', "application/json"),
    ("null instead of an object", b"null", "application/json"),
    ("an empty list", b"[]", "application/json"),
    ("bytes that are not UTF-8", b"\xff\xfe{", "application/json"),
    ("a form body, what `curl -d` sends", b"data=1", "application/x-www-form-urlencoded"),
)
#: Where the bodies Hypothesis generates say they come from: over the contract, over the guessed one.
GENERATED_SOURCES = ("generated", "generated from your samples")
#: How many earlier bodies are sent again at the end.
REPEATS = 20
#: Invalid bodies stop after this many made run() hang.
MAX_INVALID_HANGS = 2


@dataclass(frozen=True)
class Plan:
    samples: tuple[Body, ...]
    contract: Contract
    examples: int
    seed: int | None
    key: str
    volatile: tuple[tuple[str, ...], ...] = ()
    #: A contract guessed from the samples, explored when none is declared.
    guessed: dict[str, Any] | None = None
    #: Told after each body sent, with every phase's count so far (see core.ticker).
    progress: Progress | None = None


@dataclass
class Exploration:
    """What one script's exploration sent and found."""

    calls: list[Call] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Bodies sent, by phase (shrinking and Hypothesis's replays included).
    sent: Counter[str] = field(default_factory=Counter)
    #: Answer paths that changed by themselves and look like times or ids, with an example.
    volatile: dict[str, Difference] = field(default_factory=dict)


#: The checks a valid body can fail (advisory ones only warn): what the search and the shrinker pursue.
BODY_CHECKS = tuple(check for check in CHECKS if check.phase == "call" and not check.advisory)


def first_broken_check(call: Call, ignored: frozenset[str] = frozenset()) -> str | None:
    """The first of BODY_CHECKS that ``call`` breaks, ``ignored`` aside."""
    for check in BODY_CHECKS:
        if check.name not in ignored and check.judge(call):
            return check.name
    return None


def explore(send: Send, plan: Plan, stream: Stream | None = None) -> Exploration:
    """Every call made, in order, and notes for the report. ``stream``: sends listed bodies together."""
    sender = Sender(send, plan.volatile, progress=plan.progress, stream_to_worker=stream)
    found = Exploration()
    calls = found.calls
    _send_listed(sender, plan.samples, "sample", calls)
    examples = [Body.from_json(value, "the decorators' sample") for value in plan.contract.examples]
    _send_listed(sender, examples, "example", calls)
    phase: Phase = "boundary" if plan.contract.body is not None else "varied"
    schema = plan.contract.body if plan.contract.body is not None else plan.guessed
    if schema is not None:
        from ..inputs import strategies

        source = "a boundary of the contract" if phase == "boundary" else "a variation of your samples"
        bodies = [Body.from_json(value, source) for value in strategies.boundary_values(schema)]
        _send_listed(sender, bodies, phase, calls)
        sender.pairing = False
        if plan.examples > 0 and not sender.hung:
            calls += _search(sender, plan, schema, "generated" if phase == "boundary" else "varied", found.notes)
        calls += _shrink_failures(sender, calls, schema)
        calls += _cross_failures(sender, calls, schema)
    calls += _send_invalid(sender, plan.contract.body)
    calls += _send_again(sender, calls)
    found.sent, found.volatile = sender.sent, sender.volatile_seen
    if sender.stopped:
        total = sum(sender.sent.values())
        found.notes.append(
            f"sending stopped because {sender.stopped}: {total} {plural(total, 'body was', 'bodies were')} sent"
            " in all, and the phases after that were not run"
        )
    if sender.skipped:
        found.notes.append(
            f"run() hung {sender.hangs} times, each costing a whole timeout: {sender.skipped}"
            f" {plural(sender.skipped, 'body', 'bodies')} after that were not sent"
        )
    return found


def _send_listed(sender: Sender, bodies: list[Body] | tuple[Body, ...], phase: Phase, calls: list[Call]) -> None:
    """Send bodies in order; the first answered one goes twice, back to back."""

    def halted() -> bool:  # a valid body hung, or the worker can take no more: start nothing new
        return (sender.hung and phase != "sample") or bool(sender.stopped)

    if halted() or not bodies:
        return
    sent = sender.many(list(bodies), phase)
    try:
        for call in sent:
            calls.append(call)
            calls += sender.take_pairs(len(calls) - 1)
            if halted():
                return
    finally:
        sent.close()


def _search(sender: Sender, plan: Plan, schema: dict[str, Any], phase: Phase, notes: list[str]) -> list[Call]:
    """Search until no new check breaks.

    Hypothesis stops generating soon after its first failure (it then shrinks);
    each further round counts the checks already broken as holding, so that a
    second defect is not hidden behind the first. After a hang no round starts.
    """
    from ..inputs import strategies
    from . import search

    source = GENERATED_SOURCES[phase == "varied"]

    #: Calls already made for drawn bodies (by body), answered again when the search draws the same body.
    made: dict[bytes, list[Call]] = {}

    def send_value(value: object) -> Call | None:
        body = Body.from_json(value, source)
        earlier = made.get(body.data)
        call = earlier.pop(0) if earlier else sender(body, phase)
        return None if call.rejected is not None else call

    def send_all(values: list[object]) -> list[Call | None]:
        """The first round's bodies, sent together up to the first that is refused or breaks a check."""
        answered: list[Call | None] = []
        sent = sender.many([Body.from_json(value, source) for value in values], phase)
        try:
            for call in sent:
                made.setdefault(call.body.data, []).append(call)
                answered.append(None if call.rejected is not None else call)
                if call.rejected is not None or first_broken_check(call, ignored) is not None:
                    break
        finally:
            sent.close()
        return answered

    calls: list[Call] = []
    ignored: frozenset[str] = frozenset()
    refused = 0
    unsent = sender.unsent
    while True:
        outcome = search.search(
            strategies.valid_values(schema),
            send_value,
            partial(first_broken_check, ignored=ignored),
            examples=plan.examples,
            seed=plan.seed,
            key=plan.key,
            send_all=send_all if sender.stream_to_worker is not None else None,
        )
        if not outcome.drawn_first:
            # Sent ahead but never drawn again by the search (a refusal changed what Hypothesis drew next): made
            # all the same, so judged all the same.
            calls += [call for rest in made.values() for call in rest]
        made.clear()
        refused += outcome.refused
        notes += [f"a failure did not happen again when replayed: {text}" for text in outcome.flaky]
        calls += outcome.passed + [call for _, call in outcome.smallest_failures]
        broken = {check for check, _ in outcome.smallest_failures} - ignored
        if not broken or sender.hung or sender.stopped:
            break
        ignored |= broken
    refused -= sender.skipped + sender.unsent - unsent
    if refused > 0:
        notes.append(f"{refused} generated {plural(refused, 'body', 'bodies')} were refused before run() saw them")
    return calls


def _shrink_failures(send: Send, calls: list[Call], schema: dict[str, Any]) -> list[Call]:
    """Shrink the smallest failing body of each broken check, unless Hypothesis made it."""
    from ..inputs import strategies
    from . import shrink

    valid = strategies.validator(schema)
    shrunk: list[Call] = []
    for check in BODY_CHECKS:
        failing = [c for c in calls if c.phase in VALID_AND_VARIED and c.rejected is None and check.judge(c)]
        if not failing:
            continue
        smallest = min(failing, key=lambda c: len(c.body.data))
        if smallest.body.source in GENERATED_SOURCES:
            continue  # Hypothesis shrank it already
        value = smallest.body.parsed()
        if value is NOT_JSON:
            continue  # a file sent as it is: nothing to shrink
        still_fails, found = _still_fails(send, check, smallest, valid)
        budget = shrink.BUDGET if smallest.death is None and not hung(smallest) else shrink.BUDGET // 10
        shrink.shrink(value, still_fails, budget)
        shrunk += found[-1:]
    return shrunk


def _cross_failures(send: Sender, calls: list[Call], schema: dict[str, Any]) -> list[Call]:
    """For each broken check whose smallest failing body differs from every passing body in more
    than one place: send it with one place at a time taken from a passing body (a sample first),
    until one passes. The failure text then names the place that decided (judging.deciding)."""
    from ..inputs import strategies
    from ..judging.deciding import crossings, decision

    valid = strategies.validator(schema)
    crossed: list[Call] = []
    for check in BODY_CHECKS:
        judged = [c for c in [*calls, *crossed] if c.phase in VALID_AND_VARIED and c.rejected is None]
        if check.name != "run_accepts_valid_input":
            judged = [c for c in judged if c.error is None and c.death is None]  # as verdicts judges them
        failing = [c for c in judged if check.judge(c)]
        passing = [c for c in judged if c not in failing]
        if not failing or not passing:
            continue
        smallest = min(failing, key=lambda c: len(c.body.data))
        if decision([smallest.body], [c.body for c in passing]) is not None:
            continue  # the bodies sent already say which place decided
        partner = min(passing, key=lambda c: (c.phase not in ("sample", "example"), len(c.body.data)))
        failed, passed = smallest.body.parsed(), partner.body.parsed()
        if failed is NOT_JSON or passed is NOT_JSON:
            continue
        for parts, candidate in crossings(failed, passed):
            if send.stopped or not valid.is_valid(candidate):
                continue
            where = json_path(parts)
            call = send(Body.from_json(candidate, f"a failing body with {where} from a passing one"), smallest.phase)
            crossed.append(call)
            if call.rejected is None and call.death is None and not check.judge(call):
                break  # this place alone decided
    return crossed


def _still_fails(send: Send, check: Check, first: Call, valid: Any) -> tuple[Callable[[object], bool], list[Call]]:
    """A predicate for the shrinker, and the list where it keeps the calls that still failed."""
    found: list[Call] = []

    def still_fails(candidate: object) -> bool:
        if not valid.is_valid(candidate):
            return False
        call = send(Body.from_json(candidate, f"shrunk from {first.body.source}"), first.phase)
        if call.rejected is None and check.judge(call):
            found.append(call)
            return True
        return False

    return still_fails, found


def _send_invalid(send: Sender, schema: dict[str, object] | None) -> list[Call]:
    bodies = [Body(data, f"invalid: {what}", content_type) for what, data, content_type in GENERIC_INVALID]
    if schema is not None:
        from ..inputs import strategies

        bodies += [Body.from_json(value, f"invalid: {what}") for what, value in strategies.invalid_values(schema)]
        bodies += [Body.from_json(value, f"valid, but {what}") for what, value in strategies.unknown_key_values(schema)]
    calls: list[Call] = []
    hangs = 0
    if send.stopped:
        return calls
    sent = send.many(bodies, "invalid")
    try:
        for call in sent:
            calls.append(call)
            hangs += hung(call)
            if send.stopped or hangs >= MAX_INVALID_HANGS:  # each hang costs a whole timeout: two are evidence enough
                break
    finally:
        sent.close()
    return calls


def _send_again(sender: Sender, calls: list[Call]) -> list[Call]:
    """Send earlier valid bodies again, after everything else went through."""
    if sender.stopped:
        return []
    chosen = [
        index
        for index, call in enumerate(calls)
        if call.phase in VALID_AND_VARIED and call.response is not None and call.rejected is None and call.error is None
    ]
    step = max(1, len(chosen) // REPEATS)
    return list(sender.again_many([(index, calls[index]) for index in chosen[::step][:REPEATS]]))
