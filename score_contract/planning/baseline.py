"""Where the old version of a script is found (``--score-baseline``): a file on disk, or the same target at a git
revision (``git:REF``, the pull-request case: ``git:origin/main``).

A revision is read with git itself, never by checking it out: ``git archive REF -- PATHS`` writes the target's
files as they were at REF into a temporary folder (removed when the process ends), leaving the working tree, the
index and HEAD as they are — a gate that runs in the developer's checkout must not touch it. Only what the old
version needs is written: its code folder (the script's folder, or the spec's ``code`` folder with the spec's own
folder, environment file and model when they are tracked); a second pass fetches what the revision's own spec names
that the first did not. Paths outside the repository (a model folder elsewhere) are not the revision's to give.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config.options import GIT_PREFIX
from ..errors import UsageError

_GIT_TIMEOUT = 120


@dataclass(frozen=True)
class Revision:
    """The working tree's repository and one of its revisions, written out under ``folder``."""

    ref: str
    root: Path
    commit: str
    folder: Path

    def at_revision(self, path: Path) -> Path:
        """Where a working-tree path lies in the revision's copy."""
        return self.folder / os.path.relpath(path.resolve(), self.root)

    def in_repository(self, path: Path) -> bool:
        relative = os.path.relpath(path.resolve(), self.root)
        return not relative.startswith(os.pardir)

    def in_working_tree(self, path: Path) -> Path:
        """Where a path of the revision's copy lies in the working tree."""
        return self.root / os.path.relpath(path, self.folder)

    def link(self, paths: Iterable[Path]) -> None:
        """Working-tree files the revision does not track (a model folder git ignores) are linked into the copy: the
        old version then finds what it would find in a checkout of the revision."""
        for path in paths:
            copy = self.at_revision(path)
            if path.exists() and self.in_repository(path) and not os.path.lexists(copy):
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.symlink_to(path.resolve(), target_is_directory=path.is_dir())

    def fetch(self, paths: Iterable[Path]) -> list[Path]:
        """Write ``paths`` (files or folders of the working tree) as they were at the revision; returns those the
        revision does not hold (or that lie outside the repository)."""
        wanted, absent = [], []
        for path in dict.fromkeys(p.resolve() for p in paths):
            relative = os.path.relpath(path, self.root)
            if relative.startswith(os.pardir) or not _tracked(self.root, self.commit, relative):
                absent.append(path)
            elif not self.at_revision(path).exists():
                wanted.append("." if relative == "." else relative)
        if wanted:
            _archive(self.root, self.commit, wanted, self.folder)
        return absent


def is_revision(value: str) -> bool:
    return value.startswith(GIT_PREFIX)


def open_revision(value: str, near: Path, shown: str) -> Revision:
    """The repository holding ``near`` and the revision ``value`` (``git:REF``) names in it, with an empty folder to
    write its files into; a UsageError when there is no repository or no such revision."""
    ref = value.removeprefix(GIT_PREFIX).strip()
    if ref.startswith("-"):
        raise UsageError(f"{shown}: {ref!r} is not a revision (a git option?): name a branch, a tag or a commit.")
    if shutil.which("git") is None:
        raise UsageError(f"{shown}: git is not installed: it reads the old version at {ref}.")
    top = _git(near.parent if near.is_file() else near, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(f"{shown}: {near} is not inside a git repository, so there is no {ref} to read it at.")
    root = Path(top.stdout.strip()).resolve()
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0:
        raise UsageError(f"{shown}: no revision {ref} in {root} (git fetch it first, or name a branch, tag or commit).")
    folder = Path(tempfile.mkdtemp(prefix="score-contract-baseline-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Revision(ref, root, found.stdout.strip(), folder)


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=_GIT_TIMEOUT, stdin=subprocess.DEVNULL
    )


def _tracked(root: Path, commit: str, relative: str) -> bool:
    """The revision holds this file or folder (``git cat-file -e COMMIT:PATH``)."""
    spec = f"{commit}:" if relative == "." else f"{commit}:{Path(relative).as_posix()}"
    return _git(root, "cat-file", "-e", spec).returncode == 0


def _archive(root: Path, commit: str, relative: list[str], folder: Path) -> None:
    """``git archive`` of those paths at the revision, unpacked under ``folder`` (read as a stream: a model tracked
    in the code folder is not held in memory)."""
    command = ["git", "archive", "--format=tar", commit, "--", *(Path(r).as_posix() for r in relative)]
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=errors) as archive:
            assert archive.stdout is not None
            try:
                with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
                    # The "data" filter refuses links and paths that leave the folder (3.10.12+ / 3.11.4+).
                    if hasattr(tarfile, "data_filter"):
                        tar.extractall(folder, filter="data")
                    else:  # pragma: no cover - older patch releases
                        tar.extractall(folder)  # noqa: S202 - git's own archive of the user's repository
            except tarfile.TarError:
                pass  # git said why, below
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace").strip()
    if archive.returncode != 0:
        raise UsageError(f"git archive {commit[:12]} failed in {root}: {said}")
