"""Files a run writes (the JSON report, the Markdown summary, coverage reports, $GITHUB_STEP_SUMMARY), checked before
the run: a report that cannot be written must stop the session at its start in one sentence, not end a green run of
several minutes with a traceback.

The check opens the file as the writer will (appending, so nothing in it is lost) and removes it again when it did not
exist: permission bits are not enough, since CI often runs as root, for whom they are no obstacle, while a read-only
file system or a missing folder still is.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UsageError


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
