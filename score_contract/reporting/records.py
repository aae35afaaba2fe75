"""The report's records: one per check (built where the check ran, on an xdist
worker too, and carried to the controller on pytest's own test report) and one
per script, and the whole report they make. Plain JSON-able dicts: they travel
through xdist's serialisation as they are and are written as they are.

The shape is :file:`report.schema.json` in this folder; tests validate every
report written against it.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.versions import package_version

#: Bumped when a field changes meaning or goes away (new fields do not bump it).
REPORT_VERSION = 1


def check_record(
    name: str,
    sentence: str,
    outcome: str,
    *,
    headline: str = "",
    body: str = "",
    reproduce: str = "",
    reason: str = "",
    body_label: str = "smallest failing body",
    warnings: Iterable[str] = (),
) -> dict[str, Any]:
    """One check of one script as the report shows it."""
    return {
        "name": name,
        "contract": sentence,
        "outcome": outcome,
        "headline": headline,
        "smallest_body": body,
        "body_label": body_label,
        "reproduce": reproduce,
        "reason": reason,
        "warnings": list(warnings),
    }


def script_verdict(checks: Iterable[Mapping[str, Any]]) -> str:
    """failed if any check failed; passed if any passed; else skipped (nothing could be judged)."""
    outcomes = {c["outcome"] for c in checks}
    if "failed" in outcomes:
        return "failed"
    return "passed" if "passed" in outcomes else "skipped"


def versions() -> dict[str, str | None]:
    return {
        "score_contract": package_version("score-contract"),
        "azureml_inference_server_http": package_version("azureml-inference-server-http"),
        "inference_schema": package_version("inference-schema"),
        "python": platform.python_version(),
    }


def build(
    scripts: Mapping[str, Mapping[str, Any]],
    checks: Mapping[str, list[dict[str, Any]]],
    seed: int | None,
    targets: Sequence[str] = (),
) -> dict[str, Any]:
    """The whole report: ``scripts`` holds each script's figures, ``checks`` its check records, by script;
    ``targets`` every target the run was given, in order (a shard's report holds only its own scripts' entries,
    and this is how the shards' entries are put back in the run's order: reporting.combine)."""
    entries = []
    for shown, figures in scripts.items():
        mine = checks.get(shown, [])
        entries.append({"script": shown, "verdict": script_verdict(mine), **figures, "checks": mine})
    return {
        "report_version": REPORT_VERSION,
        "seed": seed,
        "versions": versions(),
        "targets": list(targets),
        "scripts": entries,
    }


def write_json(path: Path, report: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def schema() -> dict[str, Any]:
    """The JSON Schema of the report, shipped with the package."""
    text = resources.files(__package__).joinpath("report.schema.json").read_text(encoding="utf-8")
    value: dict[str, Any] = json.loads(text)
    return value
