"""Tools of the gate's own that must run on an environment's Python, kept beside it, never in it.

coverage.py measures the script inside the worker, on the deployment's Python. When that Python is
ours (same major.minor), our own coverage.py is linked in (``isolation.sandbox.package_shim``); when
it is another, ours cannot run there (its C tracer is built for our Python), and installing it into
the deployment's environment would make that another environment than the one deployed. So it is
installed for that Python version into a side folder of the cache (``tools/coverage-<version>-py3.X``),
once, which the worker puts on its path only to import coverage.py (see score_contract.coverage.tracing).
Our coverage.py's version when it supports that Python (data files combine across versions of one
schema), else the newest 7.x that does.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import cache, installers

_COMPLETE = ".score-contract-complete"


@dataclass(frozen=True)
class SideFolder:
    """A folder holding a tool for one Python version, or why there is none."""

    folder: str = ""
    why_not: str = ""


def coverage_for(python: Path, python_version: str, say: Callable[[str], None]) -> SideFolder:
    """A folder from which ``python`` (of ``python_version``) imports coverage.py, and nothing else."""
    import coverage

    minor = ".".join(python_version.split(".")[:2])
    folder = cache.cache_root() / "tools" / f"coverage-{coverage.__version__}-py{minor}"
    if (folder / _COMPLETE).is_file():
        return SideFolder(str(folder))
    with cache.locked(folder, say):
        if (folder / _COMPLETE).is_file():  # another session installed it while this one waited
            return SideFolder(str(folder))
        failure = None
        for wanted in (f"coverage=={coverage.__version__}", "coverage>=7"):
            shutil.rmtree(folder, ignore_errors=True)
            failure = installers.run(_install(python, folder, wanted), f"installing {wanted} for Python {minor}", say)
            if failure is None:
                (folder / _COMPLETE).write_text(wanted)
                return SideFolder(str(folder))
        assert failure is not None
        shutil.rmtree(folder, ignore_errors=True)
        return SideFolder(
            why_not=f"coverage.py could not be installed for Python {minor}: {installers.last_line(failure.output)}"
        )


def _install(python: Path, folder: Path, wanted: str) -> list[list[str]]:
    uv = installers.uv_path() if installers.preferred() == "uv" else None
    if uv is not None:
        return [[uv, "pip", "install", "--quiet", "--python", str(python), "--target", str(folder), wanted]]
    # A pip-built environment has pip; so has nearly every conda environment.
    return [
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", str(folder), wanted]
    ]
