from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).parent / "scripts"
REPO = Path(__file__).parent.parent


@pytest.fixture
def copy_script(pytester: pytest.Pytester) -> Callable[..., Path]:
    """Copy tests/scripts/<name>/ into the pytester folder; return the script path."""

    def copy(name: str, to: str | None = None) -> Path:
        target = pytester.path / (to or name)
        shutil.copytree(SCRIPTS / name, target)
        return target / "score.py"

    return copy
