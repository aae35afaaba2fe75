"""Where built environments are kept, and how parallel sessions share them.

The user cache folder (``$SCORE_CONTRACT_CACHE``, else ``$XDG_CACHE_HOME/score-contract``, else
``~/.cache/score-contract``; hand-rolled: platformdirs would be a dependency for three lines) holds one
folder per environment under ``envs/``, named by a hash of what was declared: the interpreter, the
installer and every requirement line (a conda environment: its file and the conda tool). A marker
written last says an environment is complete, with what it holds and when it was last resolved; a
build cut short has none and is built again. Sessions building the same environment (pytest-xdist,
two terminals) take turns on a lock file beside it, and the one that waits says so.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Bump when what a cached environment holds changes meaning (2: bytecode compiled, the marker's fields).
FORMAT = 2
MARKER = "score-contract-env.json"


def cache_root() -> Path:
    if os.environ.get("SCORE_CONTRACT_CACHE"):
        return Path(os.environ["SCORE_CONTRACT_CACHE"])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "score-contract"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "score-contract"


def folder_for(declared: dict[str, Any]) -> Path:
    """The folder of the environment ``declared`` describes (JSON-able: interpreter, installer, lines)."""
    digest = hashlib.sha256(json.dumps({"format": FORMAT, **declared}, sort_keys=True).encode()).hexdigest()[:20]
    return cache_root() / "envs" / digest


@contextmanager
def locked(folder: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the environment's lock; when another session holds it (building the same environment), say so
    and wait for it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_suffix(".lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another session building the same environment (it holds {lock.name})")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def read_marker(folder: Path) -> dict[str, Any] | None:
    """What a complete environment holds (None: there is none, or it was built by another format)."""
    try:
        data = json.loads((folder / MARKER).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "distributions" in data else None


def write_marker(folder: Path, data: dict[str, Any]) -> None:
    (folder / MARKER).write_text(json.dumps(data))
