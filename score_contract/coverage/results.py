"""What one script's coverage data says: percent (lines and branches), what was never reached,
and which sample to add.

Read with coverage.py's public API only: the workers' files combined with ``Coverage.combine``,
the numbers from ``Coverage.json_report`` (its per-file summary holds the branch counts, which
``analysis2`` does not), so the percent is coverage.py's own: covered lines and branches over
all lines and branches.

An unreached line of run() is an input nobody sent: the hint names the first one ("add a sample
that reaches score.py:41"). A branch whose line ran but one of whose ways never did is listed as
coverage.py writes it (``score.py:40->42``, ``->exit`` for leaving the function); a branch from or
to a line that never ran is not listed again, as in coverage.py's own "Missing" column.

The figures are a plain dict (they travel on pytest's reports under xdist and go into the JSON
report as they are); the terminal summary line is made from that dict alone.
"""

from __future__ import annotations

import ast
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: At most this many line ranges and branches are named on the summary line.
SHOWN = 6


def read(
    folder: Path, include: Sequence[str], omit: Sequence[str], app_root: Path, script: Path, batch: bool = False
) -> dict[str, Any] | None:
    """Combine the data files the workers left in ``folder`` and summarise them (None: no data)."""
    import coverage

    cov = coverage.Coverage(
        data_file=str(folder / ".coverage"), branch=True, include=list(include), omit=list(omit), config_file=False
    )
    cov.combine([str(folder)], keep=True)
    cov.save()
    with tempfile.TemporaryDirectory(prefix="score-contract-cov-") as tmp:
        out = Path(tmp) / "coverage.json"
        try:
            cov.json_report(outfile=str(out))
        except coverage.exceptions.NoDataError:
            return None
        report = json.loads(out.read_text(encoding="utf-8"))
    return summarise(report, app_root, script, batch)


def summarise(report: Mapping[str, Any], app_root: Path, script: Path, batch: bool = False) -> dict[str, Any]:
    """coverage.py's JSON report of one script's files, as the figures show it."""
    files = []
    for key, found in report["files"].items():
        path = Path(os.path.abspath(key))
        summary = found["summary"]
        files.append(
            {
                "file": _name(path, app_root, script),
                "path": str(path),
                "percent": round(summary["percent_covered"], 2),
                "lines": {"covered": summary["covered_lines"], "total": summary["num_statements"]},
                "branches": {"covered": summary["covered_branches"], "total": summary["num_branches"]},
                "missing_lines": sorted(found["missing_lines"]),
                "missing_branches": sorted(
                    [list(arc) for arc in found["missing_branches"] if not set(arc) & set(found["missing_lines"])]
                ),
                "statements": sorted({*found["executed_lines"], *found["missing_lines"]}),
            }
        )
    # The script first, then its modules by name.
    files.sort(key=lambda f: (f["path"] != str(script.resolve()), f["file"]))
    totals = report["totals"]
    figures: dict[str, Any] = {
        "percent": round(totals["percent_covered"], 2),
        "branches": True,
        "lines": {"covered": totals["covered_lines"], "total": totals["num_statements"]},
        "branch_count": {"covered": totals["covered_branches"], "total": totals["num_branches"]},
        "files": files,
    }
    figures["never_reached"] = never_reached(files)
    figures["hint"] = hint(files, script, batch)
    for entry in files:
        del entry["statements"], entry["path"]
    return figures


def _name(path: Path, app_root: Path, script: Path) -> str:
    """A file as the summary names it: relative to the app root, or to the script's folder."""
    for root in (app_root.resolve(), script.resolve().parent):
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return str(path)


def ranges(statements: Sequence[int], missing: Iterable[int]) -> list[str]:
    """Missing lines as ranges over the statements (comments and blank lines between do not cut one)."""
    wanted = set(missing)
    found: list[str] = []
    start = end = None
    for line in statements:
        if line in wanted:
            start = line if start is None else start
            end = line
            continue
        if start is not None:
            found.append(f"{start}-{end}" if start != end else str(start))
            start = None
    if start is not None:
        found.append(f"{start}-{end}" if start != end else str(start))
    return found


def _arc(arc: Sequence[int]) -> str:
    return f"{arc[0]}->{arc[1] if arc[1] > 0 else 'exit'}"


def never_reached(files: Sequence[Mapping[str, Any]]) -> str:
    """``score.py:41-44, score.py:40->42, utils.py:12`` (the first SHOWN of them, and how many more)."""
    items = []
    for entry in files:
        items += [f"{entry['file']}:{r}" for r in ranges(entry["statements"], entry["missing_lines"])]
        items += [f"{entry['file']}:{_arc(arc)}" for arc in entry["missing_branches"]]
    if len(items) > SHOWN:
        return ", ".join(items[:SHOWN]) + f" and {len(items) - SHOWN} more"
    return ", ".join(items)


def run_lines(script: Path) -> range | None:
    """The lines of the script's run() (its last top-level definition, the one the server calls)."""
    try:
        tree = ast.parse(script.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    found = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "run":
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            found = range(first, (node.end_lineno or node.lineno) + 1)
    return found


def hint(files: Sequence[Mapping[str, Any]], script: Path, batch: bool = False) -> str:
    """What to add, when run() has a line or a branch no input reached."""
    lines = run_lines(script)
    mine = next((f for f in files if f["path"] == str(script.resolve())), None)
    if lines is None or mine is None:
        return ""
    sample = "a sample file whose mini-batch" if batch else "a sample that"
    missing = [line for line in mine["missing_lines"] if line in lines]
    if missing:
        return f"add {sample} reaches {mine['file']}:{missing[0]}"
    branches = [arc for arc in mine["missing_branches"] if arc[0] in lines]
    if branches:
        return f"add {sample} takes {mine['file']}:{_arc(branches[0])}"
    return ""


def shown_percent(percent: float) -> str:
    """As coverage.py shows it: never 100 % unless all was reached, never 0 % unless nothing was."""
    from coverage.results import display_covered

    return f"{display_covered(percent, 0)}%"


def summary_line(shown: str, figures: Mapping[str, Any]) -> str:
    """One line of the terminal summary: ``score.py 87% (branches); never reached: … — add a sample …``."""
    if figures.get("percent") is None:
        return f"{shown}: coverage not measured: {figures.get('note', '')}".rstrip(": ")
    line = f"{shown} {shown_percent(figures['percent'])} (branches)"
    if figures["never_reached"]:
        line += f"; never reached: {figures['never_reached']}"
    if figures["hint"]:
        line += f" — {figures['hint']}"
    return line


def not_measured(note: str) -> dict[str, Any]:
    """The figures of a script whose coverage could not be measured, and why."""
    return {"percent": None, "note": note}
