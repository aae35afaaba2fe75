"""Hypothesis strategies of a scoring script's request bodies, from its contract, as the gate draws them: its valid
bodies (the user's samples, and what the inference-schema decorators and the schema files allow — or, when the
script declares nothing, the contract the gate guesses from the samples) and its invalid ones (the gate's malformed
bodies and the contract's mistakes). The same generation and shrinking the gate uses, so that

    @given(body=bodies("src/score.py"))
    def test_probabilities_sum_to_one(score_script, body): ...

is a property test whose failures shrink to a minimal body.

The strategies are deferred: reading the decorators imports the script in its worker, which happens when a body is
first drawn, not when the test module is imported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from ..exploration.explore import GENERIC_INVALID
from ..inputs import strategies
from .client import Clients, ScoreClient

_DEFAULT: list[Clients] = []


def use_clients(clients: Clients | None) -> None:
    """Where the strategies find their scripts' clients: the pytest plugin's, shared with the ``score_script``
    fixture (None: a cache of this module's own)."""
    _DEFAULT[:] = [clients] if clients is not None else []


def _client(target: str | Path, options: dict[str, Any]) -> ScoreClient:
    if not _DEFAULT:
        import atexit

        clients = Clients(Path.cwd())
        atexit.register(clients.close)
        _DEFAULT.append(clients)
    return _DEFAULT[0].open(target, **options)


def bodies(target: str | Path, **options: Any) -> SearchStrategy[Any]:
    """Valid request bodies of the script's contract, as JSON values (what ``client.run(json=...)`` sends).

    ``options``: any option of ``pytest --score`` by its name without the prefix (``model_dir="model"``,
    ``schema="request.schema.json"``), as for the ``score_script`` fixture."""

    def build() -> SearchStrategy[Any]:
        client = _client(target, options)
        samples = client._run.json_samples()
        schema = client.contract if client.contract is not None else client._run.guessed_contract()
        choices: list[SearchStrategy[Any]] = []
        if samples:
            choices.append(st.sampled_from(samples))
        if schema is not None:
            choices.append(strategies.valid_values(schema))
        if not choices:
            raise LookupError(
                f"{client.script.shown_as}: no valid body is known: give samples (a samples/ folder beside it, or"
                " samples=...), or declare the contract (request.schema.json, or @input_schema)"
            )
        return st.one_of(choices)

    return st.deferred(build)


def invalid_bodies(target: str | Path, **options: Any) -> SearchStrategy[bytes]:
    """Invalid request bodies, as the bytes sent: malformed JSON, an empty body, a bare value, and every mistake
    against the declared contract the gate makes (a missing required key, a wrong type...)."""

    def build() -> SearchStrategy[bytes]:
        client = _client(target, options)
        found = [data for _, data, _ in GENERIC_INVALID]
        if client.contract is not None:
            found += [json.dumps(value).encode() for _, value in strategies.invalid_values(client.contract)]
        return st.sampled_from(found)

    return st.deferred(build)
