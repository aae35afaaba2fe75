"""The versions the gate reports: its own (from the package metadata, one place: pyproject.toml), and those of the
packages it loads scripts with. Standard library only: a worker in a deployment's environment imports it too."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


#: score-contract's own version; "0+unknown" for a source tree put on sys.path by hand, never installed.
OWN_VERSION = package_version("score-contract") or "0+unknown"


def versions() -> str:
    """score-contract's version and those of the server and inference-schema it loads scripts as:
    the first line of the pytest report header, and ``score-contract --version``."""
    server = package_version("azureml-inference-server-http") or "not installed"
    schema = package_version("inference-schema") or "not installed"
    return f"score-contract {OWN_VERSION}: azureml-inference-server-http {server}, inference-schema {schema}"
