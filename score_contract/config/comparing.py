"""The values of a comparison run (--score-baseline, --score-traffic) that are more than a number or a folder: which
old version, and which production capture."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from .options import GIT_PREFIX, SPEC_SUFFIXES


def baseline_target(value: str, base: Path, shown: str) -> str:
    """``git:REF`` as given (the revision is looked up when the script is planned, in its own repository), else the
    old version's scoring script or deployment spec, made absolute."""
    if value.startswith(GIT_PREFIX):
        if not value.removeprefix(GIT_PREFIX).strip():
            raise UsageError(f"{shown}: name the revision after git:, e.g. git:origin/main or git:HEAD~1.")
        return value
    path = (base / value).resolve()
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise UsageError(f"{shown}: {what}; give the old version's scoring script, its deployment spec, or git:REF.")
    if path.suffix != ".py" and path.suffix.lower() not in SPEC_SUFFIXES:
        raise UsageError(f"{shown}: not a scoring script (.py) or a deployment spec (.yml, .yaml, .json).")
    return str(path)


def existing(value: str, base: Path, what: str, shown: str) -> Path:
    """A file or a folder that exists."""
    path = (base / value).resolve()
    if not path.exists():
        raise UsageError(f"{shown}: the {what} path does not exist.")
    return path
