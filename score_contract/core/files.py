"""Files and folders, as a run sees them.

Files a run writes (the JSON report, the Markdown summary, coverage reports, $GITHUB_STEP_SUMMARY) are checked before
the run: a report that cannot be written must stop the session at its start in one sentence, not end a green run of
several minutes with a traceback.

Folders a script must not write into (a batch job's input and code folders, a model folder) are listed before and
after, and compared: what changed is what the script wrote there.

The check opens the file as the writer will (appending, so nothing in it is lost) and removes it again when it did not
exist: permission bits are not enough, since CI often runs as root, for whom they are no obstacle, while a read-only
file system or a missing folder still is.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UsageError

#: A folder with more files than this is not watched for writes (too costly to list).
WATCH_LIMIT = 5000
_IGNORED_PARTS = ("__pycache__", ".hypothesis", ".pytest_cache", ".git")
Listing = dict[str, tuple[int, int]]


def writable(path: Path, shown: str, what: str) -> Path:
    """``path``, once it is known that the run can write its ``what`` there; else a UsageError naming ``shown``."""
    if path.is_dir():
        raise UsageError(f"{shown}: is a folder; give the {what} file's name.")
    if not path.parent.is_dir():
        raise UsageError(f"{shown}: the folder {path.parent} does not exist.")
    existed = path.exists()
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise UsageError(f"{shown}: the {what} cannot be written there ({exc.strerror or exc}).") from None
    if not existed:
        os.unlink(path)
    return path


def listing(folder: str) -> Listing | None:
    """path -> (mtime, size) of the files under ``folder`` (links followed: a mirrored model's files are links);
    None when there are too many to watch."""
    found: Listing = {}
    for root, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = [d for d in dirs if d not in _IGNORED_PARTS]
        for name in names:
            if name.endswith(".pyc"):
                continue
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found[path] = (stat.st_mtime_ns, stat.st_size)
            if len(found) > WATCH_LIMIT:
                return None
    return found


def changed(before: Listing | None, folder: str, limit: int = 10) -> tuple[str, ...]:
    """The files under ``folder`` created or changed since ``before`` was listed (at most ``limit``)."""
    if before is None:
        return ()
    now = listing(folder) or {}
    return tuple([path for path, stamp in now.items() if before.get(path) != stamp][:limit])
