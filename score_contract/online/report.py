"""Failure text: the headline first (it becomes pytest's short summary), then the
contract sentence, the request body, the traceback inside the script, and one
command that reproduces it."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

from ..config.settings import Settings
from ..core.observations import Body, HttpResponse
from ..core.wording import shown_bytes
from ..inputs.edges import Edge, edges
from ..inputs.samples import content_type_of
from ..judging.checks import Check, Violation
from ..judging.deciding import decision
from ..judging.verdicts import Judged, Verdict
from ..pipeline.failures import BODY_LABEL, REPRODUCE_LABEL, Failure, failure, indent, replay_words
from ..planning.script import Script

_BODY_PREVIEW = 500
_INLINE_BODY_LIMIT = 500


def reproduce_command(
    script: Script, settings: Settings, invocation_dir: Path, body: Body | None, server: bool = False
) -> str:
    """One shell command that replays what failed, with the options that matter."""
    words = replay_words("replay", script, settings, invocation_dir)
    if server:
        words.insert(3, "--server")
    if server and settings.server_workers != 1:
        # A failure of the server's may need its workers: one fails its init() while another serves.
        words += ["--server-workers", str(settings.server_workers)]
    if body is not None:
        words += request_words(body, invocation_dir)
    return shlex.join(words)


def request_words(body: Body, invocation_dir: Path) -> list[str]:
    """How `score-contract replay` is told to send ``body``: the sample file it came
    from when there is one (a .http request, an image), else the body itself."""
    name, _, number = body.source.partition("#")
    if number.isdigit() and name.endswith((".http", ".rest")) and (invocation_dir / name).is_file():
        return ["--request", body.source]
    source = invocation_dir / body.source if body.source else None
    content_type = ["--content-type", body.content_type] if body.content_type != "application/json" else []
    if source is not None and source.is_file() and (not body.is_text or len(body.data) > _INLINE_BODY_LIMIT):
        same = content_type_of(source) == body.content_type
        return ["--body-file", body.source, *([] if same else content_type)]
    return ["--body", body.text, *content_type]


def describe_body(body: Body) -> str:
    """The body as a failure shows it: JSON text, or what kind of file, and the request line when not a plain POST."""
    if body.is_text:
        text = body.text
        if len(text) > _BODY_PREVIEW:
            text = f"{text[:_BODY_PREVIEW]}… ({len(body.data)} bytes)"
        text = text or "(empty)"
    else:
        text = f"{len(body.data)} bytes of {body.content_type or 'data'}"
    if body.is_plain_post:
        return text
    headers = "".join(f"; {name}: {value}" for name, value in body.headers)
    return f"{body.method} {body.target}{headers}; {text}"


def body_line(violation: Violation) -> str:
    """The line that shows a violation's body, labelled as the violation labels it."""
    body = violation.body
    assert body is not None
    source = f" ({body.source})" if body.source else ""
    return f"{violation.label or BODY_LABEL}{source}: {describe_body(body)}"


def render(
    check: Check,
    verdict: Verdict,
    script: Script,
    settings: Settings,
    invocation_dir: Path,
    server_answer: HttpResponse | None = None,
    contract: dict[str, Any] | None = None,
) -> Failure:
    """The text of a failed check; the first violation is the one shown in full.

    ``server_answer``: what the official server answered to the same body (--score-server);
    ``contract``: the request contract, to say when the check failed only at its edges.
    """
    first = verdict.violations[0]
    lines = [f"contract: {check.sentence}"]
    if first.body is not None:
        lines.append(body_line(first))
        failing = len(verdict.violations)
        if failing > 1:
            lines.append(f"{failing} of {verdict.judged} bodies break this contract")
    if first.details:
        lines.append(first.details)
    if check.phase == "call":
        lines += explanation(verdict, contract)
    if server_answer is not None:
        text = shown_bytes(server_answer.body, server_answer.header("Content-Type") or "")
        lines.append(f"the official server answered the same body: HTTP {server_answer.status} {text}")
    server = check.phase.startswith("server-")
    reproduce = reproduce_command(script, settings, invocation_dir, first.body, server)
    body = describe_body(first.body) if first.body is not None else ""
    return failure(
        first, lines, reproduce, settings, script, invocation_dir, body=body, body_label=first.label or BODY_LABEL
    )


def explanation(verdict: Verdict, contract: dict[str, Any] | None, guessed: bool = False) -> list[str]:
    """What the bodies judged say about a failure of a per-call check: the place that decided it
    (a failing and a passing body that differ there only), and the edge of the contract it is
    confined to, with the remedies that would work. Nothing when the evidence does not say.

    ``guessed``: the failure was found on variations of the samples (no contract declared)."""
    judged = [j for j in verdict.bodies if (j.phase == "varied") == guessed or j.phase in ("sample", "example")]
    failing = [j for j in judged if j.broken]
    passing = [j for j in judged if not j.broken]
    if not failing or not passing:
        return []  # it fails everywhere (or nowhere): no place or edge is to blame
    shown = verdict.findings[0].body if guessed and verdict.findings else None
    if shown is None and not guessed and verdict.violations:
        shown = verdict.violations[0].body
    failing.sort(key=lambda j: j.body is not shown)
    passing.sort(key=lambda j: j.phase not in ("sample", "example"))
    decided = decision([j.body for j in failing], [j.body for j in passing])
    edge = edge_note(failing, passing, contract, decided.path if decided is not None else None)
    # An edge at the place that decided says the same, with its remedies.
    return edge or ([decided.describe(shown)] if decided is not None else [])


def edge_note(
    failing: list[Judged], passing: list[Judged], contract: dict[str, Any] | None, decided: str | None = None
) -> list[str]:
    """When one edge of the contract separates the bodies (every failing body sits on it, no
    passing one does): which edge, and both remedies, each of which would work (narrowing the
    contract there refuses every failing body and no passing one, the user's samples included).
    An edge away from the place that decided is not named."""
    on_edges = [_edges_of(j.body, contract) for j in failing]
    if any(found is None for found in on_edges):
        return []
    # Items are crossed: zero at $.data[5].amount and at $.data[0].amount are one edge, the one a body
    # with a zero amount in any row sits on (a row's place in the batch is seldom the cause).
    first = on_edges[0] or []
    common = [edge for edge in first if all(_crossed(edge) in _all_crossed(found) for found in on_edges)]
    off = [_all_crossed(_edges_of(j.body, contract)) for j in passing]
    kept: dict[tuple[str, str], Edge] = {}
    for edge in common:
        if not any(_crossed(edge) in found for found in off) and (decided is None or _at(edge, decided)):
            kept.setdefault(_crossed(edge), edge)
    shown = list(kept.values())[:3]
    if not shown:
        return []
    what = "; ".join(edge.what for edge in shown)
    narrowing = "; ".join(dict.fromkeys(edge.narrowing for edge in shown if edge.narrowing))
    narrow = (
        f", or narrow the contract: a request.schema.json beside the script (or --score-schema FILE) with {narrowing}"
        if narrowing
        else ""
    )
    return [
        f"found only at an edge of the contract: {what}.",
        "The contract allows this body, so a client may send it. Handle it in run(), or reject it with a 4xx"
        f" (return AMLResponse(message, 400)){narrow}.",
    ]


def _crossed(edge: Edge) -> tuple[str, str]:
    return re.sub(r"\[\d+\]", "[]", edge.what), re.sub(r"\[\d+\]", "[]", edge.narrowing)


def _all_crossed(found: list[Edge] | None) -> set[tuple[str, str]]:
    return {_crossed(edge) for edge in found or []}


def _at(edge: Edge, decided: str) -> bool:
    """Whether ``edge`` sits at the place that decided (or inside it), items crossed."""
    path, place = (re.sub(r"\[\d+\]", "[]", text) for text in (edge.path, decided))
    return path == place or path.startswith((place + ".", place + "["))


def _edges_of(body: Body, contract: dict[str, Any] | None) -> list[Edge] | None:
    """Every edge ``body`` sits on (None when it is not JSON: a file sent as it is)."""
    try:
        value = json.loads(body.data)
    except (ValueError, RecursionError):
        return None
    return edges(value, contract, every=True)


_GUESSED_REMEDY = (
    "Handle such bodies in run(), or answer them with a 4xx (return AMLResponse(message, 400)), or declare which"
    " bodies are valid (request.schema.json beside the script, or --score-schema FILE): a declared contract"
    " turns findings like this one into failures."
)


def render_findings(
    check: Check, findings: tuple[Violation, ...], script: Script, settings: Settings, invocation_dir: Path
) -> str:
    """The warning for violations found only on variations of the samples (no contract was declared)."""
    first = findings[0]
    lines = [f"contract: {check.sentence}"]
    if first.body is not None:
        lines.append(body_line(first))
    if len(findings) > 1:
        lines.append(f"{len(findings)} varied bodies break this contract")
    if first.details:
        lines.append(first.details)
    lines.append(_GUESSED_REMEDY)
    lines.append(f"{REPRODUCE_LABEL} {reproduce_command(script, settings, invocation_dir, first.body)}")
    headline = f"found by varying your samples (no schema was given): {first.headline}"
    return settings.spelled(headline + "\n" + indent("\n".join(lines)))
