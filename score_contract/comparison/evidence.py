"""What a comparison run observed, body by body, and the figures the reports show of it.

Built once from the calls both versions made (and production's recorded answers): a :class:`Compared` per body, the
checks' observation. The figures count the bodies both versions answered with 2xx (identical, within the tolerance,
different), the largest numeric difference, the flips, the accepted changes, the bodies the new version refused, and
what became of production's records.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config.settings import Settings
from ..core.compare import Difference, json_path, keys_of
from ..core.observations import NOT_JSON, Body, Call, HttpResponse
from ..inputs.traffic import Recorded, Traffic
from ..serving.responses import INTERNAL_ERROR, RUN_FAILED
from .answers import Answers, Numeric, compare_answers, shape_breaks
from .checks import Compared


def request_key(body: Body) -> tuple[object, ...]:
    """What makes two requests the same request."""
    return (body.data, body.content_type, body.method, body.target, body.headers)


@dataclass(frozen=True)
class Contracts:
    """The request and output contracts the comparison needs: the new version's declared request contract, the old
    version's (None: not declared), and the old version's output contract."""

    new_request: dict[str, Any] | None = None
    old_request: dict[str, Any] | None = None
    old_output: dict[str, Any] | None = None


@dataclass(frozen=True)
class Comparison:
    """Every body's answers compared, and why the old version could not be compared when it could not."""

    baseline: tuple[Compared, ...] = ()
    production: tuple[Compared, ...] = ()
    #: How the old version is named ("git:origin/main", "v1/score.py"), and why it could not run: (headline, details).
    who: str = ""
    cannot_run: tuple[str, str] | None = None
    traffic: Traffic | None = None
    #: Production answers that were the server's own error message (production failed there): not compared.
    production_failed: int = 0
    settings_shown: dict[str, str] = field(default_factory=dict)

    def figures(self) -> dict[str, Any]:
        """What the JSON report carries of the comparison (see reporting/report.schema.json)."""
        found: dict[str, Any] = {"tolerance": self.settings_shown.get("tolerance", ""), "baseline": None}
        if self.who:
            both = [c for c in self.baseline if c.answers is not None]
            found["baseline"] = {
                "target": self.settings_shown.get("baseline", ""),
                "ran": self.cannot_run is None,
                "sent": len(self.baseline),
                **_counts(both),
                "refused": sum(1 for c in self.baseline if c.old_answered and not _ok(c.new)),
                "incompatible": sum(
                    1 for c in self.baseline if c.shape_breaks or c.output_problem or c.contract_refuses
                ),
            }
        if self.traffic is not None:
            traffic = self.traffic
            found["production"] = {
                "origin": traffic.origin,
                "requests": traffic.requests,
                "replayed": len(traffic.exchanges),
                "sampled_out": traffic.sampled_out,
                "limit": traffic.limit,
                "compared": len(self.production),
                **_counts(list(self.production)),
                "production_failed": self.production_failed,
                "no_response": list(traffic.unanswered),
                "not_replayable": [{"record": name, "reason": why} for name, why in traffic.unreplayable],
                "outputs_not_compared": traffic.outputs,
                "responses_without_request": traffic.orphan_responses,
                "unreadable_responses": [{"record": name, "reason": why} for name, why in traffic.unreadable_answers],
            }
        return found


def _ok(call: Call) -> bool:
    return call.response is not None and 200 <= call.response.status < 300 and call.rejected is None


def _counts(compared: Sequence[Compared]) -> dict[str, Any]:
    answers = [(c, c.answers) for c in compared if c.answers is not None]
    largest: tuple[Compared, Numeric] | None = None
    for c, a in answers:
        for numeric in a.numeric:
            if largest is None or numeric.absolute > largest[1].absolute:
                largest = (c, numeric)
    accepted: Counter[str] = Counter()
    flipped: Counter[str] = Counter()
    for _, a in answers:
        for path in dict.fromkeys(_crossed(d) for d in a.accepted):
            accepted[path] += 1
        for d in a.flips:
            flipped[_crossed(d)] += 1
    return {
        "identical": sum(1 for _, a in answers if a.identical),
        "within_tolerance": sum(1 for _, a in answers if not a.different and a.within),
        # Bodies whose only differences are under --score-accept-changes: neither identical nor different.
        "accepted_only": sum(1 for _, a in answers if a.accepted and not a.different and not a.within),
        "different": sum(1 for _, a in answers if a.different),
        "flips": sum(flipped.values()),
        "flipped_bodies": sum(1 for _, a in answers if a.flips),
        "flipped_paths": dict(flipped),
        "largest_difference": _largest(largest),
        "accepted": dict(accepted),
    }


def _crossed(difference: Difference) -> str:
    return "$" + "".join(f".{key}" for key in difference.keys)


def _largest(found: tuple[Compared, Numeric] | None) -> dict[str, Any] | None:
    if found is None:
        return None
    compared, numeric = found
    return {
        "path": numeric.difference.path,
        "absolute": numeric.absolute,
        "relative": numeric.relative,
        "before": numeric.difference.before,
        "after": numeric.difference.after,
        "body": compared.body.text[:500],
    }


def compare(
    calls: Sequence[Call],
    old_calls: Sequence[Call],
    settings: Settings,
    contracts: Contracts,
    who: str,
    traffic: Traffic | None,
    cannot_run: tuple[str, str] | None,
) -> Comparison:
    """``calls``: the new version's; ``old_calls``: the old version's (empty when it could not run)."""
    new: dict[tuple[object, ...], Call] = {}
    for call in calls:
        new.setdefault(request_key(call.body), call)
    volatile, accepted = settings.volatile_keys, settings.accept_changes
    from ..inputs.strategies import validator

    old_output = validator(contracts.old_output) if contracts.old_output is not None else None
    new_request = validator(contracts.new_request) if contracts.new_request is not None else None
    old_request = validator(contracts.old_request) if contracts.old_request is not None else None
    baseline: list[Compared] = []
    for old in old_calls:
        mine = new.get(request_key(old.body))
        if mine is None:
            continue
        compared = Compared(old.body, mine, old, who="the baseline", named=who)
        if not compared.old_answered:
            baseline.append(compared)
            continue
        assert old.response is not None
        answers = None
        problem = ""
        breaks: tuple[str, ...] = ()
        if _ok(mine):
            assert mine.response is not None
            answers = compare_answers(old.response.body, mine.response.body, settings.tolerance, volatile, accepted)
            if old_output is not None:
                problem = _first_error(old_output, mine.response.body)
            else:
                ignored = (*volatile, *(keys_of(p) for p in accepted))
                breaks = shape_breaks(old.response.body, mine.response.body, ignored)
        refuses = ""
        if new_request is not None:
            value = old.body.parsed()
            if value is not NOT_JSON and (old_request is None or old_request.is_valid(value)):
                refuses = _first_error(new_request, old.body.data)
        baseline.append(
            Compared(old.body, mine, old, None, "the baseline", who, answers, problem, tuple(breaks), refuses),
        )
    production: list[Compared] = []
    failed = 0
    for recorded in traffic.exchanges if traffic is not None else ():
        mine = new.get(request_key(recorded.body))
        if mine is None or recorded.answer is None:
            continue
        if _server_error(recorded.answer):
            failed += 1
            continue
        production.append(_against_production(recorded, mine, settings))
    shown = {"tolerance": str(settings.tolerance), "baseline": who}
    return Comparison(tuple(baseline), tuple(production), who, cannot_run, traffic, failed, shown)


def _against_production(recorded: Recorded, mine: Call, settings: Settings) -> Compared:
    assert recorded.answer is not None
    answer = HttpResponse(200, (("Content-Type", recorded.answer_type),), recorded.answer)
    if _ok(mine):
        assert mine.response is not None
        answers = compare_answers(
            recorded.answer, mine.response.body, settings.tolerance, settings.volatile_keys, settings.accept_changes
        )
    else:
        status = f"HTTP {mine.response.status}" if mine.response is not None else "no answer"
        # The collector does not record the status: production's answer is compared with a failure as a whole.
        answers = Answers(different=(Difference("status", (), "an answer", status, False),))
    return Compared(recorded.body, mine, None, answer, "production", "", answers)


def _server_error(answer: bytes) -> bool:
    """The official server's own message for a run() that raised: production failed on this request too."""
    try:
        value = json.loads(answer)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and value.get("message") in (RUN_FAILED, INTERNAL_ERROR)


def _first_error(validator: Any, data: bytes) -> str:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return ""
    error = next(iter(sorted(validator.iter_errors(value), key=lambda e: json_path(e.absolute_path))), None)
    return "" if error is None else f"{json_path(error.absolute_path)}: {error.message}"
