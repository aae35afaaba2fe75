"""Assertions for what teams assert most about an answer, whose failure shows the body, the answer and the
difference as the gate's failures do: a 2xx answer, strict JSON, the output contract, an expected answer within a
tolerance (the gate's own comparison, volatile values left out)."""

from __future__ import annotations

import json
import math
from typing import Any

from ..core.compare import changes, differences, parse_volatile
from ..core.observations import HttpResponse
from ..core.wording import shown_bytes
from ..inputs.strategies import validator
from .answer import Answer
from .client import ScoreClient


def _shown(answer: Answer) -> str:
    sent = shown_bytes(answer.sent, "application/json", limit=500) or "(empty)"
    body = shown_bytes(answer.content, answer.headers.get("Content-Type", ""), limit=500) or "(empty)"
    lines = [f"  the body sent: {sent}", f"  the answer: HTTP {answer.status} {body}"]
    if answer.error is not None:
        lines.append(f"  run() raised {answer.error.summary}\n{_indented(answer.error.traceback)}")
    for caught in answer.caught:
        lines.append(f"  run() caught {caught.error.summary} ({caught.where})")
    return "\n".join(lines)


def _indented(text: str) -> str:
    return "\n".join(f"      {line}" for line in text.splitlines())


def assert_ok(answer: Answer) -> None:
    """The answer is a 2xx: run() returned, and the server could encode what it returned."""
    __tracebackhide__ = True  # pytest shows the test's line, not this helper's
    if not answer.ok:
        raise AssertionError(f"the answer is HTTP {answer.status}, not a 2xx\n{_shown(answer)}")


def assert_strict_json(answer: Answer) -> Any:
    """The answer is JSON a strict client parses (no NaN or Infinity token); returns it parsed."""
    __tracebackhide__ = True  # pytest shows the test's line, not this helper's
    try:
        return answer.json()
    except ValueError as exc:
        raise AssertionError(f"the answer is not strict JSON: {exc}\n{_shown(answer)}") from None


def assert_matches_output_contract(answer: Answer, client: ScoreClient) -> None:
    """The answer satisfies the script's output contract (@output_schema, response.schema.json): what the server
    never checks."""
    __tracebackhide__ = True  # pytest shows the test's line, not this helper's
    schema = client.output_contract
    if schema is None:
        raise AssertionError(
            f"{client.script.shown_as} declares no output contract (@output_schema, response.schema.json)"
        )
    value = assert_strict_json(answer)
    errors = sorted(validator(schema).iter_errors(value), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first.absolute_path)
        raise AssertionError(f"the answer breaks the output contract at {where}: {first.message}\n{_shown(answer)}")


def assert_answer(
    answer: Answer,
    expected: Any,
    *,
    rel: float = 1e-9,
    abs: float = 1e-12,  # noqa: A002 - as pytest.approx and math.isclose name it
    volatile: tuple[str, ...] = (),
) -> None:
    """The answer equals ``expected``: the same JSON structure and types, numbers within ``rel``/``abs``, and what
    changes by itself (times, durations, ids by their key or value; paths in ``volatile``, written as the gate's
    failures print them: "$.meta.request_id") left out — the comparison ``answers_are_repeatable`` makes."""
    __tracebackhide__ = True  # pytest shows the test's line, not this helper's
    assert_strict_json(answer)
    wanted = HttpResponse(200, answer.headers_tuple, json.dumps(expected).encode())
    got = HttpResponse(200, answer.headers_tuple, answer.content)
    found = [
        difference
        for difference in changes(differences(wanted, got), parse_volatile(",".join(volatile)))
        if not _close(difference.before, difference.after, rel, abs)
    ]
    if found:
        shown = "\n".join(f"  {difference}" for difference in found[:10])
        more = f"\n  and {len(found) - 10} more" if len(found) > 10 else ""
        raise AssertionError(
            f"the answer differs from the expected one at {len(found)} place(s):\n{shown}{more}\n"
            f"  expected: {json.dumps(expected)[:500]}\n{_shown(answer)}"
        )


def _close(before: object, after: object, rel: float, tolerance: float) -> bool:
    numbers = (int, float)
    if isinstance(before, bool) or isinstance(after, bool):
        return False
    if isinstance(before, numbers) and isinstance(after, numbers):
        return math.isclose(float(before), float(after), rel_tol=rel, abs_tol=tolerance)
    return False
