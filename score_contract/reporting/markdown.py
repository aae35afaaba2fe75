"""The Markdown summary for a pull request: one table row per script, then each
failure's headline and the command that replays it. Written to
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
