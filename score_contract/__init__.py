"""score-contract: gate Azure ML scoring scripts before they are deployed.

The engine loads a ``score.py`` the way the official inference server
(``azureml-inference-server-http``) does, calls it the way the server does, and
judges what it observed with small, pure checks. It knows nothing of pytest:
the pytest plugin and the CLI under ``plugins/`` are thin shells over it.

For contract tests a team writes about its own scripts, the package exports (``__all__``) a client that calls a
script exactly as the gate does (``open_script``, and the ``score_script`` fixture of the pytest plugin), its
``Answer``, Hypothesis strategies of the script's valid and invalid bodies (``bodies``, ``invalid_bodies``), and
assertions whose failures show the body, the answer and the difference.

PYTEST_DONT_REWRITE: pytest marks this distribution's packages for assertion rewriting
(it holds a pytest11 plugin); the engine has no asserts to rewrite, and `score-contract check`
imports it before pytest starts, which would print a PytestAssertRewriteWarning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api.answer import Answer
    from .api.assertions import assert_answer, assert_matches_output_contract, assert_ok, assert_strict_json
    from .api.client import ScoreClient, ScriptFailed, open_script
    from .api.strategies import bodies, invalid_bodies

#: What a contract test may use; everything else in the package is internal and may change.
__all__ = [
    "Answer",
    "ScoreClient",
    "ScriptFailed",
    "__version__",
    "assert_answer",
    "assert_matches_output_contract",
    "assert_ok",
    "assert_strict_json",
    "bodies",
    "invalid_bodies",
    "open_script",
]

#: Where each public name lives, imported on first use: importing the package imports nothing else of it (a worker
#: in a deployment's environment holds only the standard library; a team's own test run pays nothing for us).
_PUBLIC = {
    "Answer": ".api.answer",
    "ScoreClient": ".api.client",
    "ScriptFailed": ".api.client",
    "open_script": ".api.client",
    "bodies": ".api.strategies",
    "invalid_bodies": ".api.strategies",
    "assert_answer": ".api.assertions",
    "assert_matches_output_contract": ".api.assertions",
    "assert_ok": ".api.assertions",
    "assert_strict_json": ".api.assertions",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        # One version, in the package metadata (pyproject.toml): --version, the report header and the JSON report.
        from .core.versions import OWN_VERSION

        return OWN_VERSION
    if name in _PUBLIC:
        from importlib import import_module

        return getattr(import_module(_PUBLIC[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
