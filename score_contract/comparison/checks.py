"""The checks of a comparison run: small pure functions over one body's answers, each returning a Violation or None.

Each takes a :class:`Compared` — one body, what the new version answered, what the old version (or production)
answered, and what the run found comparing them — and its docstring is the contract sentence. ``COMPARISON_CHECKS``
lists them in the order they run.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.compare import describe
from ..core.observations import Body, Call, HttpResponse
from ..core.wording import plural, shown_bytes
from ..judging.checks import Check, Violation
from .answers import Answers

#: What a comparison failure calls its body (pipeline.failures.short_form keeps the line: it names a body).
DIFFERING = "smallest differing body"
_SHOWN = 300


@dataclass(frozen=True)
class Compared:
    """One request body, what each side answered, and what comparing them found."""

    body: Body
    #: The new version's call of run().
    new: Call
    #: The old version's call, or, for production, the answer production recorded (status unknown: shown as 200).
    old: Call | None = None
    recorded: HttpResponse | None = None
    #: Who answered ``old``/``recorded`` ("the baseline", "production"), and the old version's name ("git:HEAD~1").
    who: str = "the baseline"
    named: str = ""
    #: The two answers compared (both 2xx, or production's against the new one); None when they were not.
    answers: Answers | None = None
    #: Backward compatibility: the new answer against the old version's output schema, the shape the new answer
    #: lost, and why the new version's declared request contract refuses this body, which the old one answered.
    output_problem: str = ""
    shape_breaks: tuple[str, ...] = ()
    contract_refuses: str = ""

    @property
    def old_answered(self) -> bool:
        return self.old is not None and _answered(self.old)


def _answered(call: Call) -> bool:
    return call.response is not None and 200 <= call.response.status < 300 and call.rejected is None


def outcome(call: Call | None, recorded: HttpResponse | None = None) -> str:
    """What one side answered, in a line: ``HTTP 200 {"label": 1}``, or how run() failed."""
    if call is None:
        if recorded is None:
            return "nothing"
        return shown_bytes(recorded.body, recorded.header("Content-Type") or "", limit=_SHOWN)
    if call.death is not None:
        return f"no answer: the worker {call.death.describe()}"
    if call.timed_out:
        return "no answer: run() did not return within the timeout"
    response = call.response
    if response is None:
        return "no answer"
    text = f"HTTP {response.status} {shown_bytes(response.body, response.header('Content-Type') or '', limit=_SHOWN)}"
    if call.error is not None:
        text += f"\n    run() raised {call.error.summary}" + (
            f" ({call.error.location})" if call.error.location else ""
        )
    elif call.rejected is not None:
        text += f"\n    refused before run() saw it: {call.rejected}"
    return text


def _side_by_side(compared: Compared) -> str:
    old = outcome(compared.old, compared.recorded)
    who = f"{compared.who} ({compared.named})" if compared.named else compared.who
    return f"{who} answered: {old}\nthis version answered: {outcome(compared.new)}"


def answers_match_the_baseline(compared: Compared) -> Violation | None:
    """For every request body both versions answer with 2xx, the new version answers what the old one answered:
    the same JSON structure and types, numbers within --score-tolerance; values that change by themselves (times,
    ids, --score-volatile-keys) and the paths of --score-accept-changes left out."""
    answers = compared.answers
    if answers is None or not answers.different:
        return None
    return _difference(compared, answers)


def answers_match_production(compared: Compared) -> Violation | None:
    """For every production request whose response was captured (--score-traffic), the new version answers what
    production answered: the same JSON structure and types, numbers within --score-tolerance; values that change by
    themselves and the paths of --score-accept-changes left out."""
    answers = compared.answers
    if answers is None or not answers.different:
        return None
    return _difference(compared, answers)


def _difference(compared: Compared, answers: Answers) -> Violation:
    first = answers.different[0]
    flips = answers.flips
    flipped = " (a label or class flipped)" if flips and flips[0] is first else ""
    headline = f"the answer differs from {compared.who}'s: {first}{flipped}"
    count = len(answers.different)
    lines = [
        _side_by_side(compared),
        f"differs at {count} {plural(count, 'place')}: {describe(list(answers.different))}",
    ]
    if flips:
        lines.append(f"{len(flips)} {plural(len(flips), 'label or class', 'labels or classes')} flipped in this answer")
    paths = ",".join(list(dict.fromkeys("$" + "".join(f".{key}" for key in d.keys) for d in answers.different))[:5])
    lines.append(
        f"If the change is intended, declare it: --score-accept-changes '{paths}' (or widen --score-tolerance)."
    )
    return Violation(headline, "\n".join(lines), body=compared.body, label=DIFFERING)


def contract_is_backward_compatible(compared: Compared) -> Violation | None:
    """Every request body the old version answers with 2xx, the new version does not refuse (4xx or 5xx, or no
    answer); its answers still satisfy the old version's output contract (its @output_schema or response.schema.json,
    else the shape of its answers: no key removed or renamed, no type changed; new keys are fine); and a request
    contract the new version declares accepts every body the old version's contract allowed and the old version
    answered."""
    if not compared.old_answered:
        return None
    new = compared.new
    if not _answered(new):
        status = f"HTTP {new.response.status}" if new.response is not None else "no answer"
        assert compared.old is not None and compared.old.response is not None
        headline = (
            f"the new version refuses a body {compared.who} answered: HTTP {compared.old.response.status} → {status}"
        )
        return Violation(headline, _side_by_side(compared), body=compared.body, location=_where(new))
    if compared.contract_refuses:
        return Violation(
            f"the new request contract refuses a body {compared.who} answered: {compared.contract_refuses}",
            _side_by_side(compared),
            body=compared.body,
        )
    if compared.output_problem:
        return Violation(
            f"the new answer breaks {compared.who}'s output contract: {compared.output_problem}",
            _side_by_side(compared),
            body=compared.body,
        )
    if compared.shape_breaks:
        shown = "; ".join(compared.shape_breaks[:5]) + ("; …" if len(compared.shape_breaks) > 5 else "")
        return Violation(
            f"the new answer lost the shape of {compared.who}'s: {shown}",
            _side_by_side(compared)
            + "\nA client written for the old answer reads these paths. New keys are fine; a renamed key is a removed"
            " one. If the change is intended, declare it: --score-accept-changes"
            f" '{','.join(_removed_paths(compared.shape_breaks))}'.",
            body=compared.body,
        )
    return None


def _removed_paths(breaks: tuple[str, ...]) -> list[str]:
    """``$.probabilities removed`` → ``$.probabilities``; ``$.x[].y: number → string`` → ``$.x.y``."""
    return list(dict.fromkeys(b.split(" removed")[0].split(":")[0].replace("[]", "") for b in breaks))[:5]


def _where(call: Call) -> str:
    return call.error.location if call.error is not None else ""


BASELINE_CHECKS: tuple[Check, ...] = (
    Check(answers_match_the_baseline, "comparison"),
    Check(contract_is_backward_compatible, "comparison"),
)
PRODUCTION_CHECKS: tuple[Check, ...] = (Check(answers_match_production, "comparison"),)
COMPARISON_CHECKS = BASELINE_CHECKS + PRODUCTION_CHECKS
