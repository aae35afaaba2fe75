"""score-contract: gate Azure ML scoring scripts before they are deployed.

The engine loads a ``score.py`` the way the official inference server
(``azureml-inference-server-http``) does, calls it the way the server does, and
judges what it observed with small, pure checks. It knows nothing of pytest:
the pytest plugin and the CLI under ``plugins/`` are thin shells over it.

PYTEST_DONT_REWRITE: pytest marks this distribution's packages for assertion rewriting
(it holds a pytest11 plugin); the engine has no asserts to rewrite, and `score-contract check`
imports it before pytest starts, which would print a PytestAssertRewriteWarning.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # One version, in the package metadata (pyproject.toml), read when asked for: importing the engine's modules
    # imports nothing of it beyond them (a worker in a deployment's environment, the strategies alone).
    if name == "__version__":
        from .core.versions import OWN_VERSION

        return OWN_VERSION
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
