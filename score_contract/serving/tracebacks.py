"""Turn an exception raised by user code into a ScriptError cut to the user's frames.

A failure must show the traceback inside score.py only: frames of the server,
of inference-schema, of installed libraries and of score-contract itself are
noise to someone fixing their script.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.observations import ScriptError

_OWN_PACKAGE = str(Path(__file__).resolve().parent.parent)
_MAX_MESSAGE = 2000


@functools.lru_cache(maxsize=4096)
def _realpath(filename: str) -> str:
    """A file's real path, asked for every frame of every exception described: uncached, it was most of what
    describing an exception that run() caught on every call cost (nine realpath() calls, each an lstat() per path
    component; bench/caught_overhead.py). Files do not move under a running script."""
    return os.path.realpath(filename)


#: The folders whose files are the user's: the app root, and the script's own folder
#: when it lies elsewhere (the server accepts an app root that does not hold the script).
#: For type checkers only: the worker also runs on the Pythons (3.8, 3.9) an environment may ask for.
if TYPE_CHECKING:
    Roots = str | tuple[str, ...]


def _roots(roots: Roots) -> tuple[str, ...]:
    return (roots,) if isinstance(roots, str) else roots


@functools.lru_cache(maxsize=4096)
def is_user_file(filename: str, roots: Roots) -> bool:
    """A frame is the user's when its file lies in one of the roots, outside installed packages.
    (Asked for every frame of every exception described; kept, like the real paths.)"""
    if not filename or filename.startswith("<"):
        return False
    path = _realpath(filename)
    if path.startswith(_OWN_PACKAGE + os.sep):
        return False
    if not any(path.startswith(root.rstrip(os.sep) + os.sep) for root in _roots(roots)):
        return False
    parts = Path(path).parts
    return "site-packages" not in parts and "dist-packages" not in parts


def display_path(filename: str, roots: Roots) -> str:
    path = _realpath(filename)
    for root in _roots(roots):
        prefix = root.rstrip(os.sep) + os.sep
        if path.startswith(prefix):
            return path[len(prefix) :]
    return filename


def describe(exc: BaseException, roots: Roots, last_line: str | None = None) -> ScriptError:
    """Describe ``exc`` for a failure report, keeping only the user's frames.

    ``last_line`` replaces the exception line (for our own interruptions).
    """
    app_root = tuple(_realpath(root) for root in _roots(roots))
    # compact= is Python 3.10+; a deployment's environment may run the worker on 3.8 or 3.9.
    extra = {"compact": True} if sys.version_info >= (3, 10) else {}
    te = traceback.TracebackException.from_exception(exc, limit=None, **extra)
    frames = [f for f in te.stack if is_user_file(f.filename, app_root)]
    if not frames and te.stack and not isinstance(exc, SyntaxError):
        # Raised entirely outside the user's files (e.g. by a library called at
        # import): the innermost frame still says where.
        frames = [te.stack[-1]]
    lines: list[str] = []
    for frame in frames:
        lines.append(f"{display_path(frame.filename, app_root)}:{frame.lineno} in {frame.name}")
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    only = [line.rstrip("\n") for line in te.format_exception_only()]
    if isinstance(exc, SyntaxError) and exc.filename:
        # format_exception_only names the absolute path; keep it short like the frames.
        only = [line.replace(exc.filename, display_path(exc.filename, app_root)) for line in only]
    if last_line is not None:
        only = [last_line]
    lines.extend(line for chunk in only for line in chunk.splitlines())
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None:
        lines.append(f"(while handling {type(cause).__name__}: {_first_line(str(cause))})")
    if frames:
        last = frames[-1]
        location = f"{display_path(last.filename, app_root)}:{last.lineno} in {last.name}"
    elif isinstance(exc, SyntaxError) and exc.filename:
        location = f"{display_path(exc.filename, app_root)}:{exc.lineno}"
    else:
        location = ""
    message = _safe_str(exc)
    return ScriptError(
        type_name=_type_name(exc),
        message=message[:_MAX_MESSAGE],
        traceback="\n".join(lines),
        location=location,
    )


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    module = cls.__module__
    if module in ("builtins", "__main__", "entry_module"):
        return cls.__qualname__
    return f"{module}.{cls.__qualname__}"


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # a hostile __str__ must not break the report
        return f"<{type(exc).__name__} whose str() raised>"


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else ""
