"""See the exceptions a script catches itself, in its own code, while init() or run() runs.

Real scripts wrap run() in ``try: ... except Exception as e: return {"error": str(e)}``:
the server answers 200 and nothing in the response says that run() failed. To judge
such an answer, the worker needs to know which exceptions the script caught.

* Python 3.12+: ``sys.monitoring``'s EXCEPTION_HANDLED event, raised in the frame
  whose handler caught the exception. It is registered once per worker and costs
  nothing until an exception is handled somewhere; a handler outside the script's
  files (a library catching its own exception) is ignored.
* Python 3.10/3.11: a trace function that enters only the script's own frames (a
  global trace function sees each new Python frame, returns None for every frame
  outside the script's files) and, inside them, takes no line events: it sees the
  ``exception`` event of each frame an exception passes through. An exception that
  was seen and yet did not leave run() was caught; the last of the script's frames it
  passed through is the one that caught it.

Written by hand: no library observes caught exceptions (coverage.py and debuggers use
the same two interpreter hooks for other ends). The trace function set here passes
every event on to the one it found (coverage.py's Python tracer under --score-cov,
see score_contract.coverage.tracing), and puts it back when the block ends.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType, FrameType
from typing import Any

from ..core.observations import Caught
from . import tracebacks

#: At most this many distinct caught exceptions are kept per call (the first ones).
MAX_KEPT = 5
#: Control flow, not failure: a generator closed early (any() over a generator expression
#: throws GeneratorExit into it), an iterator that ended.
_CONTROL_FLOW = (GeneratorExit, StopIteration, StopAsyncIteration)


class _UserFiles:
    """Which code objects are the script's own (its folder, the app root), remembered by file."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        self.roots = roots
        self._known: dict[str, bool] = {}

    def __call__(self, code: CodeType) -> bool:
        known = self._known.get(code.co_filename)
        if known is None:
            known = any(tracebacks.is_user_file(code.co_filename, root) for root in self.roots)
            self._known[code.co_filename] = known
        return known


class _Seen:
    """The exceptions caught during one block, by identity, with where each was caught."""

    def __init__(self, is_user_code: _UserFiles) -> None:
        self.is_user_code = is_user_code
        #: id(exception) -> (exception, code and line of the script's frame that caught it)
        self.found: dict[int, tuple[BaseException, CodeType, int]] = {}

    def saw(self, exc: BaseException, code: CodeType, line: int) -> None:
        if isinstance(exc, _CONTROL_FLOW):
            return
        if len(self.found) < MAX_KEPT * 4 or id(exc) in self.found:
            self.found[id(exc)] = (exc, code, line)

    def caught(self, ignored: tuple[BaseException, ...], root: tracebacks.Roots) -> tuple[Caught, ...]:
        kept: list[Caught] = []
        for exc, code, line in self.found.values():
            if any(exc is other for other in ignored):
                continue
            where = f"{tracebacks.display_path(code.co_filename, root)}:{line} in {code.co_name}"
            error = tracebacks.describe(exc, root)
            if all((c.error.summary, c.where) != (error.summary, where) for c in kept):
                kept.append(Caught(error, where))
            if len(kept) >= MAX_KEPT:
                break
        return tuple(kept)


def _line_it_passed(exc: BaseException, code: CodeType) -> int:
    """The line of the handling frame that the exception came through, as the trace function's `exception` event
    reports it before 3.12. The handler's own offset is no help: the instruction that starts an except block has no
    line of its own (co_lines() gives None), which put every caught exception on the `def` line on 3.12+ (found by
    the smoke set on 3.12). The traceback starts at the frame that handles it."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code is not code:
        tb = tb.tb_next
    return tb.tb_lineno if tb is not None and tb.tb_lineno else code.co_firstlineno


_ACTIVE: list[_Seen] = []
_TOOL: list[int] = []


def _monitoring_available() -> bool:
    return sys.version_info >= (3, 12) and hasattr(sys, "monitoring")


def _register_monitoring() -> bool:
    """Claim a free sys.monitoring tool id and listen to EXCEPTION_HANDLED for good."""
    if _TOOL:
        return True
    monitoring: Any = sys.monitoring  # type: ignore[attr-defined,unused-ignore]
    # Leave the debugger's (0), coverage.py's (1) and profilers' (2) ids to them.
    for tool in (5, 4, 3):
        if monitoring.get_tool(tool) is None:
            monitoring.use_tool_id(tool, "score-contract")
            break
    else:
        return False

    def on_handled(code: CodeType, offset: int, exc: BaseException) -> None:
        if _ACTIVE:
            seen = _ACTIVE[-1]
            if seen.is_user_code(code):
                seen.saw(exc, code, _line_it_passed(exc, code))

    event = monitoring.events.EXCEPTION_HANDLED
    monitoring.register_callback(tool, event, on_handled)
    monitoring.set_events(tool, event)
    _TOOL.append(tool)
    return True


@contextmanager
def _traced(seen: _Seen) -> Iterator[None]:
    """The trace-function fallback (before Python 3.12).

    A trace function already in place (coverage.py's Python tracer) is chained: it
    gets every event of every frame, as if it were alone, so its line and arc data
    stay whole. (coverage.py's C tracer cannot be chained: called from Python, it
    installs itself again. Coverage is measured with its Python tracer there.)"""
    previous: Any = sys.gettrace()

    def chained(theirs: Any) -> Any:
        def local(frame: FrameType, event: str, arg: Any) -> Any:
            nonlocal theirs
            if event == "exception":
                seen.saw(arg[1], frame.f_code, frame.f_lineno)
            if theirs is not None:
                theirs = theirs(frame, event, arg)
            return local

        return local

    def global_trace(frame: FrameType, event: str, arg: Any) -> Any:
        theirs = previous(frame, event, arg) if previous is not None else None
        if event == "call" and seen.is_user_code(frame.f_code):
            if previous is None:
                frame.f_trace_lines = False  # only exception events are wanted
            return chained(theirs)
        return theirs

    sys.settrace(global_trace)
    try:
        yield
    finally:
        sys.settrace(previous)


class Watcher:
    """Watches one script's files; each ``with watcher.watching() as seen:`` is one block."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        self._user_files = _UserFiles(tuple(dict.fromkeys(roots)))
        self._monitoring = _monitoring_available() and _register_monitoring()

    @contextmanager
    def watching(self) -> Iterator[_Seen]:
        """Record the exceptions caught in the script's files while the block runs;
        read them with ``seen.caught()`` afterwards."""
        seen = _Seen(self._user_files)
        if self._monitoring:
            _ACTIVE.append(seen)
            try:
                yield seen
            finally:
                _ACTIVE.remove(seen)
        else:
            with _traced(seen):
                yield seen
