"""A script's contract as plain data: the valid request bodies and responses as JSON Schemas.

Read from the decorators by :mod:`score_contract.inputs.contract` (in the worker), combined with schema files by the
run, observed in :class:`score_contract.core.observations.ImportResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Contract:
    """The valid-input domain of one script, as JSON Schemas."""

    #: Where it came from, for the report ("inference-schema decorators", "schema file x.json").
    origin: str = ""
    #: JSON Schema every valid request body satisfies; None when nothing says.
    body: dict[str, Any] | None = None
    #: JSON Schema every response body to a valid request must satisfy.
    output: dict[str, Any] | None = None
    #: The decorators' own samples, as a request body.
    examples: tuple[object, ...] = ()
    #: What the report should say about the contract (e.g. orients not generated).
    notes: tuple[str, ...] = field(default_factory=tuple)
