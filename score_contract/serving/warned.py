"""Hear the warnings a script raises while it is imported and while init() loads its model.

A model pickled with another version of its library loads, and scikit-learn says so only
in a warning (``InconsistentVersionWarning``: "This might lead to breaking code or invalid
results"), which lands in the deployment's log, where nobody reads it. The gate hears it
and says so, as a warning of its own.

Python's own filters decide which warnings are shown, as in the server's worker (a
warning repeated at one place is shown once); ``warnings.showwarning`` is wrapped for the
block, so each one is still printed where the script's output goes. Library deprecation
notices (DeprecationWarning, FutureWarning...) speak to the script's author about
tomorrow, not about this deployment, and are left to the log.

Written by hand: the standard library's ``warnings.catch_warnings(record=True)`` records,
but stops printing, and cannot say which of the script's lines led to the warning.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..core.observations import LoadWarning
from . import tracebacks

#: Notices about the future of an API, not about what was just loaded.
_NOT_ABOUT_THIS_LOAD = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning, ResourceWarning)
#: At most this many warnings are kept per block (the first ones).
MAX_KEPT = 5


@contextmanager
def hearing(roots: tracebacks.Roots) -> Iterator[list[LoadWarning]]:
    """Collect the warnings shown while the block runs, each with the script's line that led to it."""
    heard: list[LoadWarning] = []
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def showwarning(message: Any, category: Any, filename: str, lineno: int, *args: Any, **kwargs: Any) -> None:
            if not issubclass(category, _NOT_ABOUT_THIS_LOAD) and len(heard) < MAX_KEPT:
                found = _heard(message, category, _user_line(roots))
                if found not in heard:
                    heard.append(found)
            shown(message, category, filename, lineno, *args, **kwargs)

        warnings.showwarning = showwarning
        yield heard


def _heard(message: Any, category: Any, where: str) -> LoadWarning:
    text = str(message).strip()
    # scikit-learn's InconsistentVersionWarning keeps both versions as attributes (sklearn/exceptions.py).
    pickled = getattr(message, "original_sklearn_version", None)
    current = getattr(message, "current_sklearn_version", None)
    versions = ("scikit-learn", str(pickled), str(current)) if pickled and current else None
    subject = getattr(message, "estimator_name", "") or ""
    return LoadWarning(category.__name__, text, where, versions=versions, subject=str(subject))


def _user_line(roots: tracebacks.Roots) -> str:
    """The innermost of the script's own lines on the stack, e.g. "score.py:14 in init"."""
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if tracebacks.is_user_file(code.co_filename, roots):
            return f"{tracebacks.display_path(code.co_filename, roots)}:{frame.f_lineno} in {code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return ""
