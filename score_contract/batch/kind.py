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


def recognise(script: Path, asked: str = "auto") -> Recognised:
    """``asked``: "online", "batch" or "auto" (--score-kind)."""
    if asked in ("online", "batch"):
        return Recognised(asked)  # type: ignore[arg-type]
    parameter = run_parameter(script)
    if parameter == BATCH_PARAMETER:
        return Recognised(
            "batch",
            f"run({BATCH_PARAMETER}) makes this a batch scoring script: it is called as the batch runtime calls it"
            " (--score-kind online to check it as an online one)",
        )
    return Recognised("online")


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
