"""See the exceptions a script catches itself, in its own code, while init() or run() runs.

Real scripts wrap run() in ``try: ... except Exception as e: return {"error": str(e)}``:
the server answers 200 and nothing in the response says that run() failed. To judge
such an answer, the worker needs to know which exceptions the script caught.

* Python 3.12+: ``sys.monitoring``'s EXCEPTION_HANDLED event, raised in the frame
  whose handler caught the exception. It is registered once per worker and costs
  nothing until an exception is handled somewhere; a handler outside the script's
  files (a library catching its own exception) is ignored.
* Before 3.12: the script's files are imported with their handlers instrumented
  (handlers.py): each ``except`` block, and each ``with`` body an exception leaves,
  reports the exception and its frame, which is what EXCEPTION_HANDLED says. An
  exception reported and yet not out of run() was caught; the last of the script's
  frames to report it is the one that caught it. Costs nothing until a handler runs.
  (A trace function did this until issue 22: every instruction under run() then ran on
  the interpreter's slow path, 1.44x a bare loop for a run() with a ``try``.) Nothing is
  instrumented for a script none of whose files can catch (most have no ``try`` at all).

Written by hand: no library observes caught exceptions (coverage.py and debuggers use
the interpreter's hooks for other ends).
"""

from __future__ import annotations

import dis
import importlib.util
import os
import sys
from types import CodeType
from typing import Any

from ..core.observations import Caught
from . import handlers, tracebacks

#: At most this many distinct caught exceptions are kept per call (the first ones).
MAX_KEPT = 5
#: Control flow, not failure: a generator closed early (any() over a generator expression
#: throws GeneratorExit into it), an iterator that ended.
_CONTROL_FLOW = (GeneratorExit, StopIteration, StopAsyncIteration)


class _UserFiles:
    """Which code objects are the script's own (its folder, the app root), remembered by file."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        self.roots = roots
        #: file name -> is it the user's; read directly where every frame asks
        self.known: dict[str, bool] = {}

    def __call__(self, code: CodeType) -> bool:
        return self.is_user_path(code.co_filename)

    def is_user_path(self, path: str) -> bool:
        known = self.known.get(path)
        if known is None:
            known = any(tracebacks.is_user_file(path, root) for root in self.roots)
            self.known[path] = known
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
    """The line of the handling frame that the exception came through (where it was raised in that frame, or the
    call it came out of). The handler's own offset is no help: the instruction that starts an except block has no
    line of its own (co_lines() gives None), which put every caught exception on the `def` line on 3.12+ (found by
    the smoke set on 3.12). The traceback starts at the frame that handles it."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code is not code:
        tb = tb.tb_next
    return tb.tb_lineno if tb is not None and tb.tb_lineno else code.co_firstlineno


_ACTIVE: list[_Seen] = []
_TOOL: list[int] = []


def _report(exc: BaseException, code: CodeType) -> None:
    """``exc`` was handled in a frame running ``code``: the block running now keeps it if the code is the script's.
    (Both mechanisms call this: sys.monitoring's EXCEPTION_HANDLED, and before 3.12 the instrumented handlers.)"""
    if _ACTIVE:
        seen = _ACTIVE[-1]
        if seen.is_user_code(code):
            seen.saw(exc, code, _line_it_passed(exc, code))


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
        _report(exc, code)

    event = monitoring.events.EXCEPTION_HANDLED
    monitoring.register_callback(tool, event, on_handled)
    monitoring.set_events(tool, event)
    _TOOL.append(tool)
    return True


#: Before 3.11 a handler is pushed by one of these instructions (SETUP_FINALLY serves
#: try/except and try/finally from 3.8 on).
_SETUP_OPS = frozenset(
    dis.opmap[name] for name in ("SETUP_FINALLY", "SETUP_WITH", "SETUP_ASYNC_WITH") if name in dis.opmap
)


def can_catch(code: CodeType) -> bool:
    """Does this code have an exception handler (a ``try`` or a ``with``)? Without one, a frame cannot stop an
    exception: one raised in it or passing through it is seen again by the frame that does. (Before 3.12 only:
    3.12 gives generators and inlined comprehensions handlers of their own, and is watched with sys.monitoring.)"""
    if sys.version_info >= (3, 11):
        return bool(code.co_exceptiontable)  # empty for code with no handler
    return not _SETUP_OPS.isdisjoint(code.co_code[::2])  # wordcode: opcodes at even offsets


#: Past this many files and folders under the roots, the scan gives up and the user's files are instrumented.
_MAX_SCANNED = 2000
#: Past this many Python files, too (each is compiled, ~1 ms).
_MAX_COMPILED = 200
#: Folders whose files are never the user's (tracebacks.is_user_file), and bytecode caches. Hidden folders
#: (.git, .venv, .tox) are left out too: no import statement names one.
_NOT_SCANNED = frozenset({"site-packages", "dist-packages", "__pycache__"})


def _file_can_catch(path: str) -> bool:
    try:
        with open(path, "rb") as source:
            top = compile(source.read(), path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False  # no Python can import it: none of its code runs
    except OSError:
        return True  # unread: assume the worst
    codes = [top]
    while codes:
        code = codes.pop()
        if can_catch(code):
            return True
        codes.extend(const for const in code.co_consts if isinstance(const, CodeType))
    return False


def any_file_can_catch(roots: tuple[str, ...]) -> bool:
    """Could any Python file under the roots catch an exception? Compiled, not imported: each code object in it,
    module, function, class body, comprehension, is asked can_catch(). Most scoring scripts have no ``try`` and no
    ``with`` at all (44 of azureml-examples' 61): for them nothing is instrumented. Every file under the roots is
    asked, not only those imported yet, since run() may import one."""
    seen = compiled = 0
    for root in roots:
        for folder, folders, files in os.walk(root):
            folders[:] = [name for name in folders if name not in _NOT_SCANNED and not name.startswith(".")]
            sources = [name for name in files if name.endswith(".py")]
            seen, compiled = seen + len(folders) + len(files), compiled + len(sources)
            if seen > _MAX_SCANNED or compiled > _MAX_COMPILED:
                return True
            if any(_file_can_catch(os.path.join(folder, name)) for name in sources):
                return True
    return False


def _handled() -> None:
    """Called first thing by each instrumented handler of the script (before 3.12, see handlers.py): the exception
    being handled, in the frame that called this. Never raises into the script."""
    if not _ACTIVE:
        return
    try:
        exc = sys.exc_info()[1]
        if exc is not None:
            _report(exc, sys._getframe(1).f_code)
    except Exception:  # noqa: S110 - the script's handler must run whatever happens here
        pass


class _Block:
    """One ``with watcher.watching() as seen:`` block: what the handlers report goes to ``seen`` meanwhile."""

    __slots__ = ("_seen",)

    def __init__(self, seen: _Seen) -> None:
        self._seen = seen

    def __enter__(self) -> _Seen:
        _ACTIVE.append(self._seen)
        return self._seen

    def __exit__(self, *exc_info: object) -> None:
        _ACTIVE.remove(self._seen)


class Watcher:
    """Watches one script's files; each ``with watcher.watching() as seen:`` is one block.

    Made before the script is imported: before 3.12 the script is imported with spec() (and its modules through
    handlers.py's finder) when one of its files can catch; nothing is instrumented otherwise."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        self._user_files = _UserFiles(tuple(dict.fromkeys(roots)))
        self._monitoring = _monitoring_available() and _register_monitoring()
        #: handlers report (before 3.12): not when none of the script's files can catch (most have no try at all)
        self.instrumented = not self._monitoring and any_file_can_catch(self._user_files.roots)
        if self.instrumented:
            handlers.install(_handled, self._user_files.is_user_path)

    def spec(self, name: str, path: str) -> Any:
        """The entry script's spec, as ``importlib.util.spec_from_file_location(name, path)`` gives it."""
        if self.instrumented:
            return handlers.spec(name, path)
        return importlib.util.spec_from_file_location(name, path)

    def watching(self) -> _Block:
        """Record the exceptions caught in the script's files while the block runs;
        read them with ``seen.caught()`` afterwards."""
        return _Block(_Seen(self._user_files))
