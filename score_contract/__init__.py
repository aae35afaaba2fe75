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

from importlib.metadata import PackageNotFoundError, version

try:
    # One version, in the package metadata (pyproject.toml): --version, the report header and the JSON report read it.
    __version__ = version("score-contract")
except PackageNotFoundError:  # a source tree put on sys.path by hand, never installed
    __version__ = "0+unknown"
