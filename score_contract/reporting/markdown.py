"""The Markdown summary for a pull request: one table row per script, the comparison's counts when versions or
production were compared (--score-baseline, --score-traffic), then each failure's headline and the command that
replays it. Written to
``$GITHUB_STEP_SUMMARY`` when GitHub Actions sets it, and to --score-summary FILE."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..judging.figures import shown_mb, shown_ms

_VERDICT = {"passed": "✅ passed", "failed": "❌ failed", "skipped": "⏭ skipped"}


def _cell(text: str) -> str:
    # A | would end the cell; a newline would end the row.
    return text.replace("|", "\\|").replace("\n", " ")


def _coverage(script: Mapping[str, Any]) -> str:
    coverage = script.get("coverage")
    return f"{coverage['percent']:.0f}%" if coverage and coverage.get("percent") is not None else "—"


def render(report: Mapping[str, Any]) -> str:
    scripts = report["scripts"]
    failed = [s for s in scripts if s["verdict"] == "failed"]
    lines = [
        "## score-contract",
        "",
        f"{len(scripts)} scoring script(s), {len(failed)} failed.",
        "",
        "| script | verdict | failed checks | p99 | peak memory | coverage |",
        "|---|---|---|---|---|---|",
    ]
    for script in scripts:
        failing = ", ".join(c["name"] for c in script["checks"] if c["outcome"] == "failed") or "—"
        latency = script.get("latency_ms")
        memory = script.get("memory_mb")
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{_cell(script['script'])}`",
                    _VERDICT.get(script["verdict"], script["verdict"]),
                    _cell(failing),
                    shown_ms(latency["p99"] if latency else None),
                    shown_mb(memory.get("peak") if memory else None),
                    _coverage(script),
                ]
            )
            + " |"
        )
    lines += _comparison(scripts)
    for script in failed:
        for check in script["checks"]:
            if check["outcome"] != "failed":
                continue
            lines += ["", f"### `{script['script']}::{check['name']}`", "", _cell(check["headline"])]
            if check["smallest_body"]:
                label = check.get("body_label") or "smallest failing body"
                lines += ["", f"{label}: `{_cell(check['smallest_body'][:200])}`"]
            if check["reproduce"]:
                lines += ["", "```sh", check["reproduce"], "```"]
    return "\n".join(lines) + "\n"


def _comparison(scripts: list[Mapping[str, Any]]) -> list[str]:
    """A row per side a script was compared with: the old version, production's answers."""
    rows = []
    for script in scripts:
        found = script.get("comparison") or {}
        name = f"`{_cell(script['script'])}`"
        baseline = found.get("baseline")
        if baseline:
            against = f"`{_cell(baseline['target'])}`"
            if not baseline["ran"]:
                rows.append(f"| {name} | {against} | the baseline could not be run | | | | | | |")
            else:
                refused = f"; {baseline['refused']} refused by the new version" if baseline["refused"] else ""
                rows.append(f"| {name} | {against}{refused} | " + _counts(baseline) + " |")
        production = found.get("production")
        if production:
            said = [f"{production['replayed']} of {production['requests']} requests replayed"]
            if production["not_replayable"]:
                said.append(f"{len(production['not_replayable'])} not replayable")
            if production["no_response"]:
                said.append(f"{len(production['no_response'])} without a captured response")
            if production["sampled_out"]:
                said.append(f"{production['sampled_out']} left out by the limit {production['limit']}")
            against = f"production `{_cell(production['origin'])}` ({', '.join(said)})"
            rows.append(f"| {name} | {against} | " + _counts(production) + " |")
    if not rows:
        return []
    return [
        "",
        "### Compared answers",
        "",
        "| script | compared with | bodies | identical | within tolerance | different | flips | largest difference"
        " | accepted changes |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]


def _counts(side: Mapping[str, Any]) -> str:
    compared = side["identical"] + side["within_tolerance"] + side["accepted_only"] + side["different"]
    flips = side["flips"]
    if flips:
        paths = ", ".join(f"{path}: {count}" for path, count in side["flipped_paths"].items())
        flipped = f"{flips} in {side['flipped_bodies']} bodies ({_cell(paths)})"
    else:
        flipped = "0"
    largest = side["largest_difference"]
    apart = f"{largest['absolute']:.3g} at `{_cell(largest['path'])}`" if largest else "—"
    accepted = ", ".join(f"`{_cell(path)}` ({count})" for path, count in side["accepted"].items()) or "—"
    cells = [compared, side["identical"], side["within_tolerance"], side["different"], flipped, apart, accepted]
    return " | ".join(str(cell) for cell in cells)
