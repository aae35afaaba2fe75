"""Fixture values made once for a whole run, whichever pytest-xdist worker asks first (registered by conftest)."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from filelock import FileLock

T = TypeVar("T")
#: once(key, make): make(folder)'s value, made once for the whole run (see the fixture).
Once = Callable[[str, Callable[[Path], T]], T]


@pytest.fixture(scope="session", name="once")
def once_fixture(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Once[Any]:
    """Make an expensive fixture's value once for the whole run, not once per xdist worker.

    pytest-xdist sets up a session- or module-scoped fixture in every worker that runs one of its tests: the 24 s
    pytest session over the realworld scripts ran on both workers of the smoke set, the fuzzing session twice in the
    whole suite. With ``once(key, make)`` the first worker to ask makes the value (``make`` gets a fresh folder of
    its own) while holding a file lock in the run's shared base folder and pickles it there; the others wait on the
    lock and read it (pytest-xdist's documented way to execute a session fixture once). Without xdist it is made in
    place. A make that raises leaves nothing: the next worker to ask makes it again and fails on its own.
    """
    workers = hasattr(request.config, "workerinput")
    shared = tmp_path_factory.getbasetemp().parent / "once" if workers else None

    def make_once(key: str, make: Callable[[Path], T]) -> T:
        if shared is None:
            return make(tmp_path_factory.mktemp(key))
        shared.mkdir(exist_ok=True)
        made = shared / f"{key}.pickle"
        with FileLock(f"{made}.lock"):
            if made.exists():
                value: T = pickle.loads(made.read_bytes())
                return value
            value = make(tmp_path_factory.mktemp(key))
            made.write_bytes(pickle.dumps(value))
            return value

    return make_once
