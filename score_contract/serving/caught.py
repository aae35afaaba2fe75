"""See the exceptions a script catches itself, in its own code, while init() or run() runs.

Real scripts wrap run() in ``try: ... except Exception as e: return {"error": str(e)}``:
the server answers 200 and nothing in the response says that run() failed. To judge
such an answer, the worker needs to know which exceptions the script caught.

* Python 3.12+: ``sys.monitoring``'s EXCEPTION_HANDLED event, raised in the frame
  whose handler caught the exception. It is registered once per worker and costs
  nothing until an exception is handled somewhere; a handler outside the script's
  files (a library catching its own exception) is ignored.
* Before 3.12: a trace function that enters only the script's own frames that can
  catch (their code has a handler: a ``try`` or a ``with``) and, inside them, takes no
  line events: it sees the ``exception`` event of each such frame an exception passes
  through. An exception that was seen and yet did not leave run() was caught; the last
  of the script's frames it passed through is the one that caught it. Nothing is
  traced for a script none of whose files can catch (most have no ``try`` at all).
  What tracing costs, and what was cut: see _Tracer.

Written by hand: no library observes caught exceptions (coverage.py and debuggers use
the same two interpreter hooks for other ends). The trace function set here passes
every event on to the one it found (coverage.py's Python tracer under --score-cov,
see score_contract.coverage.tracing), and puts it back when the block ends.
"""

from __future__ import annotations

import dis
import os
import sys
from collections.abc import Callable
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any

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
        #: file name -> is it the user's; read directly where every frame asks
        self.known: dict[str, bool] = {}

    def __call__(self, code: CodeType) -> bool:
        known = self.known.get(code.co_filename)
        if known is None:
            known = any(tracebacks.is_user_file(code.co_filename, root) for root in self.roots)
            self.known[code.co_filename] = known
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


#: Before 3.11 a handler is pushed by one of these instructions (SETUP_FINALLY serves
#: try/except and try/finally from 3.8 on).
_SETUP_OPS = frozenset(
    dis.opmap[name] for name in ("SETUP_FINALLY", "SETUP_WITH", "SETUP_ASYNC_WITH") if name in dis.opmap
)


def can_catch(code: CodeType) -> bool:
    """Does this code have an exception handler (a ``try`` or a ``with``)? Without one, a frame cannot stop an
    exception: one raised in it or passing through it is seen again by the frame that does. (Before 3.12 only:
    3.12 gives generators and inlined comprehensions handlers of their own, and watches with sys.monitoring.)"""
    if sys.version_info >= (3, 11):
        return bool(code.co_exceptiontable)  # empty for code with no handler
    return not _SETUP_OPS.isdisjoint(code.co_code[::2])  # wordcode: opcodes at even offsets


#: Past this many files and folders under the roots, the scan gives up and every block is traced.
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
    ``with`` at all (44 of azureml-examples' 61): for them nothing need be traced. Every file under the roots is
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


if TYPE_CHECKING:  # subscripting Callable fails at run time on 3.8, which a deployment's worker may run
    TraceFunction = Callable[[FrameType, str, Any], Any]


class _Tracer:
    """The trace function (before Python 3.12) of one Watcher, built once and reused by every block.

    Tracing costs in two places (bench/caught_overhead.py). While any trace function is
    set, the interpreter takes its slow path for every instruction, so it is set around
    run() alone (calling.py puts the watcher innermost), and not at all when no file can
    catch (needed()). That slow path is the floor: on 3.11 it nearly doubles the time of
    the Python code run() runs (measured: a run() of 6.6 us takes 12.1 us under a trace
    function that does nothing, `getattr`, written in C), and sys.settrace offers no way
    around it; only sys.monitoring does, from 3.12. And every Python frame that
    starts or resumes in the block (each step of a generator expression too) calls the
    global function, so that function is a closure built once, answers from a dict
    lookup and an attribute, and enters only the script's own frames that can catch
    (decided once per file, and per code object). Which is also what the script catches:
    an exception that a library frame or C code stops (``getattr(obj, name, default)``
    over a ``__getattr__`` that raises AttributeError) is not the script's catch, as
    sys.monitoring's EXCEPTION_HANDLED, raised only in the handling frame, says from 3.12.

    Inside an entered frame, line events are switched off: the one local function sees
    the frame's ``exception`` events (and its ``return``)."""

    def __init__(self, user_files: _UserFiles) -> None:
        self.user_files = user_files
        #: where the block running now records what it sees
        self.seen: _Seen | None = None
        self.enter, self.local = self._build()
        self._needed: bool | None = None

    def needed(self) -> bool:
        """Is there anything to watch? Not when none of the script's files can catch (asked at the first block)."""
        if self._needed is None:
            self._needed = any_file_can_catch(self.user_files.roots)
        return self._needed

    def _build(self) -> tuple[TraceFunction, TraceFunction]:
        known = self.user_files.known.get
        learn = self.user_files
        tracer = self

        def local(frame: FrameType, event: str, arg: Any) -> Any:
            if event == "exception" and tracer.seen is not None:
                tracer.seen.saw(arg[1], frame.f_code, frame.f_lineno)
            return local

        if sys.version_info >= (3, 11):

            def enter(frame: FrameType, event: str, arg: Any) -> Any:
                # Called with the 'call' event only; later events go to the frame's own f_trace.
                code = frame.f_code
                mine = known(code.co_filename)
                if mine is None:
                    mine = learn(code)
                if mine and code.co_exceptiontable:  # can_catch(), without a call
                    frame.f_trace_lines = False
                    return local
                return None

            return enter, local

        #: id(code) -> (code, can it catch); the code is kept so that its id stays its own. Keyed
        #: by id: hashing a code object hashes its constants, nested code objects too.
        catching: dict[int, tuple[CodeType, bool]] = {}

        def enter_scanned(frame: FrameType, event: str, arg: Any) -> Any:
            code = frame.f_code
            mine = known(code.co_filename)
            if mine is None:
                mine = learn(code)
            if not mine:
                return None
            entry = catching.get(id(code))
            if entry is None:
                entry = catching[id(code)] = (code, can_catch(code))
            if entry[1]:
                frame.f_trace_lines = False
                return local
            return None

        return enter_scanned, local

    def chained(self, previous: TraceFunction) -> TraceFunction:
        """The global trace function when one was already set (coverage.py's Python tracer under
        --score-cov, see score_contract.coverage.tracing): it gets every event of every frame, as
        if it were alone, so its line and arc data stay whole. (coverage.py's C tracer cannot be
        chained: called from Python, it installs itself again. Coverage is measured with its
        Python tracer there.) Each frame needs a local function of its own here, to carry theirs."""

        def chain(theirs: Any) -> TraceFunction:
            def local(frame: FrameType, event: str, arg: Any) -> Any:
                nonlocal theirs
                if event == "exception" and self.seen is not None:
                    self.seen.saw(arg[1], frame.f_code, frame.f_lineno)
                if theirs is not None:
                    theirs = theirs(frame, event, arg)
                return local

            return local

        def enter(frame: FrameType, event: str, arg: Any) -> Any:
            theirs = previous(frame, event, arg)
            if self.user_files(frame.f_code) and can_catch(frame.f_code):
                return chain(theirs)
            return theirs

        return enter


class _Block:
    """One ``with watcher.watching() as seen:`` block; a class rather than a generator-based
    context manager, whose frames would run (traced) on the way out of every call."""

    __slots__ = ("_seen", "_tracer", "_previous")

    def __init__(self, seen: _Seen, tracer: _Tracer | None) -> None:
        self._seen = seen
        #: None: sys.monitoring sees for every block, or there is nothing to trace
        self._tracer = tracer
        self._previous: tuple[_Seen | None, Any] = (None, None)

    def __enter__(self) -> _Seen:
        tracer = self._tracer
        if tracer is None:
            _ACTIVE.append(self._seen)  # unused where nothing is traced: no callback reads it
            return self._seen
        previous: Any = sys.gettrace()
        self._previous = (tracer.seen, previous)
        tracer.seen = self._seen
        sys.settrace(tracer.enter if previous is None else tracer.chained(previous))
        return self._seen

    def __exit__(self, *exc_info: object) -> None:
        tracer = self._tracer
        if tracer is None:
            _ACTIVE.remove(self._seen)
            return
        sys.settrace(self._previous[1])  # first: nothing of ours runs traced after the block
        tracer.seen = self._previous[0]


class Watcher:
    """Watches one script's files; each ``with watcher.watching() as seen:`` is one block."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        self._user_files = _UserFiles(tuple(dict.fromkeys(roots)))
        self._monitoring = _monitoring_available() and _register_monitoring()
        self._tracer = None if self._monitoring else _Tracer(self._user_files)

    def watching(self) -> _Block:
        """Record the exceptions caught in the script's files while the block runs;
        read them with ``seen.caught()`` afterwards."""
        tracer = self._tracer if self._tracer is not None and self._tracer.needed() else None
        return _Block(_Seen(self._user_files), tracer)
