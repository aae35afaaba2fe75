"""The worker process: one per script, like one of the server's gunicorn workers.

It is started by :mod:`score_contract.isolation.sandbox` with the server's environment and
working folder, reads commands from one pipe and answers on another. The
script's own stdout and stderr go to a log file the parent reads when something
goes wrong; what one call printed is read here, from that same file, and comes back
with the call. Whatever the script does to this interpreter stays here.

``calls`` sends a list of bodies at once and is answered with one reply per body, each
as soon as run() is done with it: one round trip over the pipes for many bodies, the
parent judging a body while the worker already runs the next one.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from .core.observations import ImportResult, InitResult
from .isolation import rss
from .serving import calling, hints, loader, tracebacks, warned

if TYPE_CHECKING:
    from .coverage.tracing import Tracing


#: What is kept of what one call printed: its last bytes (as Sandbox.output_since).
LAST_OUTPUT_BYTES = 4000


class Bug:
    """A failure of score-contract itself, reported to the parent verbatim."""

    def __init__(self, text: str) -> None:
        self.text = text


class Stopped:
    """The answer to ``stop``: no more replies of the stream follow this one."""


class Worker:
    def __init__(self) -> None:
        self.loaded: loader.LoadedScript | None = None
        self.app_root = ""
        self.script = ""
        self.batch_driver: Any = None

    def handle(self, command: str, args: tuple[Any, ...]) -> object:
        if command == "load":
            script, app_root, timeout = args
            return self.load(script, app_root, timeout)
        if command == "init":
            (timeout,) = args
            return rss.measured(self.init(timeout))
        if command.startswith("batch_"):
            return self.batch(command, args)
        if command == "call":
            body, timeout = args
            return self.call(body, timeout)
        raise ValueError(f"unknown command {command!r}")

    def call(self, body: Any, timeout: float) -> object:
        """run() with one body, as the server calls it, with the memory and what it printed."""
        assert self.loaded is not None, "call before a successful load"
        printed = _log_size()
        own_peak = rss.reset_peak()
        call = calling.call(self.loaded, body, timeout)
        return rss.measured(call, own_peak, output=_printed_since(printed))

    def batch(self, command: str, args: tuple[Any, ...]) -> object:
        """A batch script, called as the batch runtime's driver calls it."""
        from .batch.driver import BatchDriver

        if self.batch_driver is None:
            self.batch_driver = BatchDriver()
        if command == "batch_load":
            return self.batch_driver.load(*args)
        if command == "batch_init":
            return self.batch_driver.init(*args)
        if command == "batch_call":
            return self.batch_driver.call(*args)
        raise ValueError(f"unknown command {command!r}")

    def load(self, script: str, app_root: str, timeout: float) -> ImportResult:
        self.app_root, self.script = app_root, script
        loader.prepare_interpreter(app_root)
        try:
            with calling.deadline(timeout):
                result, self.loaded = loader.load(script, app_root)
        except calling.Deadline as exc:
            error = calling.timeout_error(exc, loader.user_roots(script, app_root), timeout)
            return ImportResult(error=error, timed_out=True, elapsed=timeout)
        return result

    def init(self, timeout: float) -> InitResult:
        assert self.loaded is not None, "init before a successful load"
        roots = self.loaded.roots
        started = time.perf_counter()
        try:
            with self.loaded.watcher.watching() as seen, warned.hearing(roots) as heard, calling.deadline(timeout):
                self.loaded.init()
        except calling.Deadline as exc:
            return InitResult(
                error=calling.timeout_error(exc, roots, timeout),
                timed_out=True,
                elapsed=timeout,  # the deadline, as for run(): the headline must not vary with load
            )
        except BaseException as exc:  # user_script.invoke_init catches BaseException too
            return InitResult(
                error=tracebacks.describe(exc, roots),
                hint=hints.shadow_hint(self.app_root, self.script, exc) or hints.model_dir_hint(exc, self.script),
                elapsed=time.perf_counter() - started,
            )
        return InitResult(elapsed=time.perf_counter() - started, caught=seen.caught((), roots), warnings=tuple(heard))


def _log_size() -> int:
    """How much the script has printed so far: its stdout and stderr are one log file (see Sandbox)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # the script replaced or closed it
            pass
    try:
        return os.fstat(1).st_size
    except OSError:
        return 0


def _printed_since(offset: int) -> str:
    """What the script printed since ``offset`` (its last lines when that is long)."""
    size = _log_size()
    if size <= offset:
        return ""
    start = max(offset, size - LAST_OUTPUT_BYTES)
    try:
        data = os.pread(1, size - start, start)
    except OSError:  # the script moved its stdout elsewhere
        return ""
    return data.decode("utf-8", "replace").rstrip()


def _die_with_parent(parent: int) -> None:
    """If the test session is killed outright, the kernel ends this worker too (Linux)."""
    import os

    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl() took effect
        os._exit(1)


def main() -> None:
    _die_with_parent(int(sys.argv[3]))
    commands = Connection(int(sys.argv[1]), writable=False)
    results = Connection(int(sys.argv[2]), readable=False)
    # The log is a file: make sure the last lines before a crash reach it.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    tracing = None
    if len(sys.argv) > 4:
        # --score-cov: measuring starts before the script is imported, so its module-level lines count.
        from .coverage.tracing import start

        tracing = start(sys.argv[4])
    try:
        serve(Worker(), commands, results, tracing)
    finally:
        if tracing is not None:
            tracing.finish()


def serve(worker: Worker, commands: Connection, results: Connection, tracing: Tracing | None) -> None:
    while True:
        try:
            command, args = commands.recv()
        except EOFError:
            return
        if command == "quit":
            return
        if command == "calls":
            _serve_calls(worker, commands, results, tracing, *args)
            continue
        if command == "stop":  # the stream it was meant for had ended already
            results.send(Stopped())
            continue
        _reply(results, tracing, partial(worker.handle, command, args))


def _reply(results: Connection, tracing: Tracing | None, answer: Callable[[], object]) -> object:
    """Send what ``answer()`` gives, or a Bug if it is our own code that failed; what was sent."""
    try:
        reply = answer()
    except BaseException:  # never let our own failure pass as the script's
        reply = Bug(traceback.format_exc())
    results.send(reply)
    if tracing is not None:
        tracing.after_command()
    return reply


def _serve_calls(
    worker: Worker,
    commands: Connection,
    results: Connection,
    tracing: Tracing | None,
    bodies: list[Any],
    timeout: float,
) -> None:
    """One reply per body, each sent as soon as it is ready; the parent may ``stop`` the rest between two bodies."""
    for index, body in enumerate(bodies):
        if index and commands.poll():
            commands.recv()  # "stop": the only command sent while a stream is answered
            results.send(Stopped())
            return
        if isinstance(_reply(results, tracing, partial(worker.call, body, timeout)), Bug):
            return


if __name__ == "__main__":
    main()
