"""Reading the contract files a user gives: request and response JSON Schemas.

Every problem is a UsageError naming the file in one sentence: not JSON (with
the line), not a valid schema, no body can satisfy it, a sample it refuses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.compare import json_path
from ..core.observations import Body
from ..errors import UsageError


def load_schema(path: Path, shown: str) -> dict[str, Any]:
    """Parse and check a schema file: one that is not JSON or not a valid schema is a usage error."""
    from . import strategies

    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{shown}: line {exc.lineno} is not valid JSON ({exc.msg}, column {exc.colno}).") from None
    if not isinstance(schema, (dict, bool)):
        raise UsageError(f"{shown}: a JSON Schema is an object (or true/false), not a {type(schema).__name__}.")
    if isinstance(schema, bool):
        schema = {} if schema else {"not": {}}
    try:
        strategies.validator(schema)
    except strategies.SchemaError as exc:
        raise UsageError(f"{shown}: {exc}") from None
    return schema


def check_samples(bodies: tuple[Body, ...], schema: dict[str, Any], schema_shown: str) -> None:
    """A sample that the request schema refuses is a usage error: one of the two is wrong."""
    from . import strategies

    check = strategies.validator(schema)
    for body in bodies:
        if body.method != "POST" or "json" not in body.content_type.lower():
            continue  # a file sent as it is, a GET: the schema speaks of JSON bodies
        try:
            value = json.loads(body.data)
        except (ValueError, RecursionError):
            continue
        error = next(iter(check.iter_errors(value)), None)
        if error is not None:
            where = json_path(error.absolute_path)
            raise UsageError(f"{body.source}: the sample does not satisfy {schema_shown} at {where}: {error.message}.")


def check_satisfiable(schema: dict[str, Any] | None, shown: str) -> None:
    """A request schema that no body satisfies is a usage error.

    Separate from reading it: it draws examples with Hypothesis, which must not run
    while pytest is still configuring (Hypothesis warns about slow plugins).
    """
    from . import strategies

    if schema is not None and not strategies.is_satisfiable(schema):
        raise UsageError(f"{shown}: no request body can satisfy this schema.")
