"""Tell a batch scoring script from an online one, before anything is imported.

A script is batch when the user says so (``--score-kind batch``) or, by default,
when its top-level ``run()`` names its first parameter ``mini_batch`` — the name the
batch runtime's documentation, its generated scripts and nearly every sample give
it, and a name no online script uses. Read from the source with :mod:`ast`, so that
collecting the checks imports nothing; a file that does not parse is left to the
online checks, whose ``module_imports`` reports the syntax error.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["online", "batch"]
BATCH_PARAMETER = "mini_batch"


@dataclass(frozen=True)
class Recognised:
    kind: Kind
    #: Why, in a sentence for the report ("" when the user said so).
    reason: str = ""


#: What only the batch runtime gives a script: an online script that uses one was likely
#: written for batch, with its run() parameter named otherwise (``run(input_data)``).
BATCH_MARKERS = ("AZUREML_BI_OUTPUT_PATH", "ParallelRunStep", "azureml_user.parallel_run", "EntryScript()")


def recognise(script: Path, asked: str = "auto") -> Recognised:
    """``asked``: "online", "batch" or "auto" (--score-kind).

    For a batch script the reason is short, for the summary line ("run(mini_batch)");
    for an online script it is said only when the script looks written for batch."""
    if asked == "batch":
        return Recognised("batch", "--score-kind batch")
    if asked == "online":
        return Recognised("online")
    if run_parameter(script) == BATCH_PARAMETER:
        return Recognised("batch", f"run({BATCH_PARAMETER})")
    marker = batch_marker(script)
    if marker:
        return Recognised(
            "online",
            f"the script uses {marker}, which only the batch runtime provides, but its run() does not take a"
            " mini_batch: it is checked as an online script. If it is a batch script, give --score-kind batch.",
        )
    return Recognised("online")


def batch_marker(script: Path) -> str:
    try:
        text = script.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return next((marker for marker in BATCH_MARKERS if marker in text), "")


def run_parameter(script: Path) -> str | None:
    """The name of the first parameter of the script's top-level run(), if it has one."""
    try:
        tree = ast.parse(script.read_bytes(), filename=str(script))
    except (OSError, SyntaxError, ValueError):
        return None
    found = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "run":
            found = node  # the last definition wins, as at import
    if found is None:
        return None
    parameters = [*found.args.posonlyargs, *found.args.args]
    return parameters[0].arg if parameters else None
