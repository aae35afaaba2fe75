"""The order in which request bodies are sent to one script.

1. examples: the user's samples, then the decorators' own sample;
2. boundaries: the contract's edges (0, 1 and the most rows, each enum value,
   bounds, optional keys absent and present, empty strings) — schemathesis'
   coverage phase;
3. random: Hypothesis over the contract, shrinking each broken check to its
   smallest body;
4. invalid bodies: run() may raise or answer 4xx, but must not hang or end the
   process;
5. the same bodies again: the answer must not have changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from ..core.compare import first_difference
from ..core.observations import VALID_PHASES, Body, Call, Phase
from ..inputs.contract import Contract
from ..judging.checks import CHECKS, Check

Send = Callable[[Body, Phase], Call]

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


#: The checks a valid body can fail (advisory ones only warn): what the search and the shrinker pursue.
BODY_CHECKS = tuple(check for check in CHECKS if check.phase == "call" and not check.advisory)


def first_broken_check(call: Call, ignored: frozenset[str] = frozenset()) -> str | None:
    """The first of BODY_CHECKS that ``call`` breaks, ``ignored`` aside."""
    for check in BODY_CHECKS:
        if check.name not in ignored and check.judge(call):
            return check.name
    return None


def explore(send: Send, plan: Plan) -> tuple[list[Call], list[str]]:
    """Every call made, in order, and notes for the report."""
    calls: list[Call] = []
    notes: list[str] = []
    for body in plan.samples:
        calls.append(send(body, "sample"))
    for value in plan.contract.examples:
        calls.append(send(Body.from_json(value, "the decorators' sample"), "example"))
    schema = plan.contract.body
    if schema is not None:
        from ..inputs import strategies

        for value in strategies.boundary_values(schema):
            calls.append(send(Body.from_json(value, "a boundary of the contract"), "boundary"))
        if plan.examples > 0:
            calls += _search(send, plan, schema, notes)
        calls += _shrink_failures(send, calls, schema)
    calls += _send_invalid(send, schema)
    calls += _send_again(send, calls, plan)
    return calls, notes


def _search(send: Send, plan: Plan, schema: dict[str, object], notes: list[str]) -> list[Call]:
    """Search until no new check breaks.

    Hypothesis stops generating soon after its first failure (it then shrinks);
    each further round counts the checks already broken as holding, so that a
    second defect is not hidden behind the first.
    """
    from ..inputs import strategies
    from . import search

    def send_value(value: object) -> Call | None:
        call = send(Body.from_json(value, "generated"), "generated")
        return None if call.rejected is not None else call

    calls: list[Call] = []
    ignored: frozenset[str] = frozenset()
    refused = 0
    while True:
        outcome = search.search(
            strategies.valid_values(schema),
            send_value,
            partial(first_broken_check, ignored=ignored),
            examples=plan.examples,
            seed=plan.seed,
            key=plan.key,
        )
        refused += outcome.refused
        notes += [f"a failure did not happen again when replayed: {text}" for text in outcome.flaky]
        calls += outcome.passed + [call for _, call in outcome.smallest_failures]
        broken = {check for check, _ in outcome.smallest_failures} - ignored
        if not broken:
            break
        ignored |= broken
    if refused:
        notes.append(f"{refused} generated bodies were refused before run() saw them")
    return calls


def _shrink_failures(send: Send, calls: list[Call], schema: dict[str, object]) -> list[Call]:
    """Shrink the smallest failing body of each broken check, unless Hypothesis made it."""
    import json

    from ..inputs import strategies
    from . import shrink

    valid = strategies.validator(schema)
    shrunk: list[Call] = []
    for check in BODY_CHECKS:
        failing = [c for c in calls if c.phase in VALID_PHASES and c.rejected is None and check.judge(c)]
        if not failing:
            continue
        smallest = min(failing, key=lambda c: len(c.body.data))
        if smallest.phase == "generated":
            continue
        still_fails, found = _still_fails(send, check, smallest, valid)
        budget = shrink.BUDGET if smallest.death is None else shrink.BUDGET // 10
        shrink.shrink(json.loads(smallest.body.data), still_fails, budget)
        shrunk += found[-1:]
    return shrunk


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


def _send_invalid(send: Send, schema: dict[str, object] | None) -> list[Call]:
    bodies = [Body(data, f"invalid: {what}", content_type) for what, data, content_type in GENERIC_INVALID]
    if schema is not None:
        from ..inputs import strategies

        bodies += [Body.from_json(value, f"invalid: {what}") for what, value in strategies.invalid_values(schema)]
        bodies += [Body.from_json(value, f"valid, but {what}") for what, value in strategies.unknown_key_values(schema)]
    calls: list[Call] = []
    hangs = 0
    for body in bodies:
        call = send(body, "invalid")
        calls.append(call)
        hangs += call.timed_out or (call.death is not None and call.death.hung_after is not None)
        if hangs >= MAX_INVALID_HANGS:  # each hang costs a whole timeout: two are evidence enough
            break
    return calls


def _send_again(send: Send, calls: list[Call], plan: Plan) -> list[Call]:
    """Send earlier valid bodies again, after everything else went through."""
    chosen = [
        index
        for index, call in enumerate(calls)
        if call.phase in VALID_PHASES and call.response is not None and call.rejected is None and call.error is None
    ]
    step = max(1, len(chosen) // REPEATS)
    again = []
    for index in chosen[::step][:REPEATS]:
        first = calls[index]
        call = send(first.body, "repeat")
        changed = None
        if call.response is not None and first.response is not None:
            changed = first_difference(first.response, call.response, plan.volatile)
        again.append(replace(call, repeat_of=index, changed=changed))
    return again
