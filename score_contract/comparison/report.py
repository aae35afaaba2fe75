"""How a comparison reads: a failed comparison check's text, and the summary of a comparison (the terminal, the
Markdown summary and the failure text all say it the same way, from the figures the JSON report carries)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config.options import GIT_PREFIX
from ..config.settings import Settings
from ..core.observations import Body
from ..core.tolerance import Tolerance
from ..core.wording import counted, plural
from ..judging.checks import Check
from ..judging.verdicts import Verdict
from ..online.report import body_line, describe_body, request_words
from ..pipeline.failures import (
    BODY_LABEL,
    Failure,
    failure,
    replay_words,
    shown_path,
)
from ..planning.script import Script


def reproduce_command(
    script: Script, settings: Settings, invocation_dir: Path, body: Body | None, baseline: bool
) -> str:
    """``score-contract replay [--baseline TARGET] SCRIPT --body ...``: with the baseline, both answers side by side,
    compared with the gate's tolerance, accepted changes and volatile keys."""
    words = replay_words("replay", script, settings, invocation_dir)
    if baseline and settings.baseline:
        target = settings.baseline
        shown = target if target.startswith(GIT_PREFIX) else shown_path(Path(target), invocation_dir)
        words[2:2] = ["--baseline", shown]
        if settings.baseline_model_dir is not None:
            words += ["--baseline-model-dir", shown_path(settings.baseline_model_dir, invocation_dir)]
        if settings.tolerance != Tolerance():
            words += ["--tolerance", str(settings.tolerance)]
        if settings.accept_changes:
            words += ["--accept-changes", ",".join(settings.accept_changes)]
        if settings.volatile_keys:
            words += ["--volatile-keys", ",".join(".".join(keys) for keys in settings.volatile_keys)]
    if body is not None:
        words += request_words(body, invocation_dir)
    return settings.spelled(shlex.join(words))


def render(
    check: Check,
    verdict: Verdict,
    script: Script,
    settings: Settings,
    invocation_dir: Path,
    figures: Mapping[str, Any] | None,
) -> Failure:
    """The text of a failed comparison check; the first violation (the smallest body) is shown in full."""
    first = verdict.violations[0]
    lines = [f"contract: {check.sentence}"]
    if first.body is not None:
        lines.append(body_line(first))
    if first.details:
        lines.append(first.details)
    production = check.name == "answers_match_production"
    side = (figures or {}).get("production" if production else "baseline")
    if side:
        lines += summary(side, production, broken=len(verdict.violations), check=check.name)
    reproduce = reproduce_command(script, settings, invocation_dir, first.body, baseline=not production)
    body = describe_body(first.body) if first.body is not None else ""
    return failure(
        first, lines, reproduce, settings, script, invocation_dir, body=body, body_label=first.label or BODY_LABEL
    )


def summary(side: Mapping[str, Any], production: bool, broken: int = 0, check: str = "") -> list[str]:
    """The counts of one side of a comparison (the baseline's, or production's), a line each."""
    lines: list[str] = []
    if production:
        replayed, requests = side["replayed"], side["requests"]
        sampled = (
            f", {side['sampled_out']} left out by --score-traffic-limit {side['limit']}" if side["sampled_out"] else ""
        )
        lines.append(f"production: {replayed} of {counted(requests, 'request')} replayed{sampled}")
        compared = side["compared"]
    else:
        compared = side["identical"] + side["within_tolerance"] + side["accepted_only"] + side["different"]
    if compared:
        what = "production's answer" if production else "both versions answered with 2xx"
        lines.append(
            f"{compared} {plural(compared, 'body', 'bodies')} compared ({what}): {side['identical']} identical,"
            f" {side['within_tolerance']} within the tolerance, {side['different']} different"
            + (f", {side['accepted_only']} with accepted changes only" if side["accepted_only"] else "")
        )
    largest = side.get("largest_difference")
    if largest:
        lines.append(
            f"largest numeric difference: {largest['absolute']:.3g} ({largest['relative']:.3g} relative) at"
            f" {largest['path']}"
        )
    if side.get("flips"):
        paths = ", ".join(f"{path} ({count})" for path, count in list(side["flipped_paths"].items())[:3])
        lines.append(
            f"{counted(side['flips'], 'label or class', 'labels or classes')} flipped in"
            f" {counted(side['flipped_bodies'], 'body', 'bodies')}: {paths}"
        )
    if side.get("accepted"):
        shown = ", ".join(f"{path} ({count})" for path, count in side["accepted"].items())
        lines.append(f"accepted changes (--score-accept-changes), in as many bodies: {shown}")
    if not production and side.get("refused"):
        refused = side["refused"]
        lines.append(
            f"{counted(refused, 'body', 'bodies')} the baseline answered {plural(refused, 'is', 'are')} refused by the new version"
        )
    if production:
        lines += _production_notes(side)
    if broken > 1 and check:
        lines.append(f"{broken} bodies break this contract")
    return lines


def _production_notes(side: Mapping[str, Any]) -> list[str]:
    lines = []
    if side.get("production_failed"):
        lines.append(
            f"{counted(side['production_failed'], 'request')} production failed on itself (its answer is the server's"
            " error message): not compared"
        )
    missing = side.get("no_response") or []
    if missing:
        lines.append(f"{counted(len(missing), 'request')} without a captured response: {_names(missing)}")
    refused = side.get("not_replayable") or []
    if refused:
        lines.append(f"{counted(len(refused), 'record')} could not be replayed: {_reasons(refused)}")
    unreadable = side.get("unreadable_responses") or []
    if unreadable:
        lines.append(f"{counted(len(unreadable), 'captured response')} could not be compared: {_reasons(unreadable)}")
    if side.get("responses_without_request"):
        lines.append(
            f"{counted(side['responses_without_request'], 'captured response')} without its request in the capture:"
            " not compared"
        )
    if side.get("outputs_not_compared"):
        lines.append(
            f"{counted(side['outputs_not_compared'], 'custom outputs record')} not compared: they hold the DataFrame"
            " run() logged, not the response"
        )
    return lines


def _reasons(records: list[Mapping[str, str]], limit: int = 3) -> str:
    """The first records named with why each was left out: "f.jsonl:3: truncated; …"."""
    return "; ".join(f"{r['record']}: {r['reason']}" for r in records[:limit]) + ("; …" if len(records) > limit else "")


def _names(names: list[str], limit: int = 5) -> str:
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def summary_line(shown: str, figures: Mapping[str, Any]) -> list[str]:
    """A script's lines in the terminal's comparison section, one a side ([] for a script that was not compared)."""
    comparison = figures.get("comparison")
    if not comparison:
        return []
    lines = []
    baseline = comparison.get("baseline")
    if baseline:
        head = f"{shown} against {baseline['target']}"
        said = summary(baseline, production=False) if baseline["ran"] else ["the baseline could not be run"]
        lines.append(f"{head}: {'; '.join(said) or 'nothing compared'}")
    production = comparison.get("production")
    if production:
        lines.append(f"{shown}: {'; '.join(summary(production, production=True))}")
    return lines
