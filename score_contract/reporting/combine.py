"""The JSON reports of a run's shards (one per CI machine, issue 22 item 4) made into the report of the whole run.

Each script is checked whole on one shard (the pytest plugin keeps its checks together), so a script's entry
needs no merging: the whole run's report is every shard's entries, in the order of the targets the run was given
(each report lists them all, ``targets``). What must agree is checked, not guessed: the report version, the
Hypothesis seed (one seed for the whole run, or all derandomized), the versions of what ran and the targets; a
script found in two shards means the shards overlap. Written by hand: the shape is ours (report.schema.json),
and the work is a sort with these checks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .records import schema


def read(path: Path) -> dict[str, Any]:
    """One shard's report, checked against the report's schema."""
    import jsonschema  # type: ignore[import-untyped]

    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc}).") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc}).") from None
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema()).iter_errors(value))
    if error is not None:
        where = "".join(f"[{p!r}]" for p in error.absolute_path)
        raise UsageError(f"{path}: not a score-contract report (--score-report): {where or 'the top'}: {error.message}")
    report: dict[str, Any] = value
    return report


def combine(reports: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The whole run's report from each shard's (named for messages)."""
    if not reports:
        raise UsageError("no report to combine: give each shard's --score-report file.")
    first_name, first = reports[0]
    seen: dict[str, str] = {}
    scripts = []
    for name, report in reports:
        for key in ("report_version", "seed", "versions", "targets"):
            if report[key] != first[key]:
                raise UsageError(
                    f"{name}: {key} is {json.dumps(report[key])} where {first_name} has {json.dumps(first[key])}:"
                    " the shards of one run are given the same targets and run the same versions with the same"
                    " Hypothesis seed (--hypothesis-seed, or CI=true for Hypothesis's derandomized ci profile)."
                )
        for entry in report["scripts"]:
            if entry["script"] in seen:
                raise UsageError(
                    f"{name}: {entry['script']} was checked in {seen[entry['script']]} too: the shards overlap."
                )
            seen[entry["script"]] = name
            scripts.append(entry)
    # The run's order (a report without targets, or an entry not among them, keeps the order given here).
    position = {target: n for n, target in enumerate(first.get("targets", []))}
    scripts.sort(key=lambda entry: position.get(entry["script"], len(position)))
    return {**first, "scripts": scripts}
