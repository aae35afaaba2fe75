"""The ``score_script`` fixture: contract tests that teams write call their scoring scripts through it, exactly as
the gate does (see score_contract.api.client).

A factory, so that one test may use several scripts, session-scoped (Hypothesis's @given refuses function-scoped
fixtures); the clients live for the session (one worker, one import, one
init() per script and option set), and a script the gate checks in the same session lends the gate's own run.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from .keys import SESSION

if TYPE_CHECKING:
    from score_contract.api.client import Clients, ScoreClient

_CLIENTS: pytest.StashKey[Clients] = pytest.StashKey()


def clients_of(config: pytest.Config) -> Clients:
    """The session's clients, made on first use; the strategies (score_contract.bodies) draw from the same."""
    if _CLIENTS not in config.stash:
        from score_contract.api.client import Clients
        from score_contract.api.strategies import use_clients

        clients = Clients(config.invocation_params.dir)
        contract = config.stash.get(SESSION, None)
        if contract is not None:
            for path in contract.scripts:
                clients.share(path, contract.own[path], partial(contract.lend, path))
        use_clients(clients)
        config.stash[_CLIENTS] = clients

        def close() -> None:
            use_clients(None)
            clients.close()

        config.add_cleanup(close)
    return config.stash[_CLIENTS]


@pytest.fixture(scope="session")
def score_script(request: pytest.FixtureRequest) -> Callable[..., ScoreClient]:
    """Open a scoring script (or the script a deployment spec names) as the gate runs it::

        def test_a_customer_with_no_income_is_high_risk(score_script):
            client = score_script("src/score.py", model_dir="model")
            answer = client.run({"data": [{"income": 0, "age": 30}]})
            assert answer.json()["risk"] == ["high"]

    Keywords are the options of ``pytest --score`` without their prefix (``model_dir``, ``timeout``, ``env``,
    ``server=True`` for ``client.http``...). A script that does not import, whose init() fails, or whose worker
    dies on a request fails the test that called it (ScriptFailed), never the session."""
    clients = clients_of(request.config)

    def open_script(target: Any, **options: Any) -> ScoreClient:
        return clients.open(target, **options)

    return open_script
