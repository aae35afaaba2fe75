"""The parent's handle on one worker process running one script.

The worker is a fresh interpreter (not a fork of the test session) started in a
session and process group of its own, in the server's working folder and
environment. Whatever the script does — exit, segfault, loop forever — is seen
here as a :class:`Death` of that one worker; the test session goes on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from ..core.observations import Death
from ..serving.loader import server_environment
from .groups import shared_log, signal_group, stop_group

#: How long past its own SIGALRM deadline a worker may take to answer before it
#: counts as hung (C code holding the GIL never sees the alarm).
GRACE_SECONDS = 2.0
_LAST_OUTPUT_BYTES = 4000
_WORKER_CODE = "from score_contract.worker import main; main()"
#: In a deployment's environment, which holds none of score-contract's packages: the worker's own
#: modules (standard library only) come from a folder holding nothing but this package, which leaves
#: sys.path again before the script is imported.
_FOREIGN_WORKER_CODE = (
    "import sys; sys.path.insert(0, {shim!r}); from score_contract.worker import main;"
    " sys.path.remove({shim!r}); main()"
)
#: Variables of ours that must not reach a deployment's environment (they would import our packages).
_NOT_IN_ENVIRONMENTS = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONSTARTUP")


def outside_our_python(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without what points at this interpreter's packages: for a deployment environment's
    Python (the worker, the official server) and the installers that build it."""
    return {k: v for k, v in env.items() if k not in _NOT_IN_ENVIRONMENTS}


def package_shim(package: Path) -> str:
    """A folder holding only a link to ``package`` (made once per package location): put on another
    Python's path, it makes that one package importable there and nothing else beside it."""
    import hashlib

    digest = hashlib.sha256(str(package).encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"score-contract-{package.name}-{digest}"
    link = folder / package.name
    if not link.is_symlink():
        folder.mkdir(parents=True, exist_ok=True)
        try:
            link.symlink_to(package, target_is_directory=True)
        except FileExistsError:
            pass  # another session made it first
    return str(folder)


def worker_command(python: Path | None, *args: str) -> list[str]:
    """How to start a worker: on this Python, or on a deployment environment's."""
    if python is None or str(python) == sys.executable:
        return [sys.executable, "-c", _WORKER_CODE, *args]
    return [
        str(python),
        "-c",
        _FOREIGN_WORKER_CODE.format(shim=package_shim(Path(__file__).resolve().parent.parent)),
        *args,
    ]


class WorkerBug(RuntimeError):
    """score-contract itself failed inside the worker: a bug of ours, not the script's."""


class Sandbox:
    """One worker process; started on construction, so its start-up overlaps other work."""

    def __init__(
        self,
        script: Path,
        app_root: Path,
        model_dir: Path | None,
        *,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        python: Path | None = None,
        variables: dict[str, str] | None = None,
        coverage: str | None = None,
    ) -> None:
        """``env`` and ``cwd``: the worker's environment and working folder, when they are
        not the online server's (a batch worker's). ``python``: a deployment environment's
        interpreter (default: this one); ``variables``: set on top (a deployment's own);
        ``coverage``: what coverage.py measures in it (see score_contract.coverage.tracing)."""
        self.script = script
        self.app_root = app_root
        self._log: IO[bytes] = shared_log("score-contract-")
        command_read, command_write = os.pipe()
        result_read, result_write = os.pipe()
        if env is None:
            env = server_environment(os.environ, script=script, app_root=app_root, model_dir=model_dir)
        if python is not None:
            env = outside_our_python(env)
        env = {**env, **(variables or {})}
        try:
            self._process = subprocess.Popen(
                worker_command(
                    python, str(command_read), str(result_write), str(os.getpid()), *([coverage] if coverage else [])
                ),
                cwd=cwd or app_root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                pass_fds=(command_read, result_write),
                start_new_session=True,
            )
        finally:
            os.close(command_read)
            os.close(result_write)
        self._commands = Connection(command_write, readable=False)
        self._results = Connection(result_read, writable=False)
        self.death: Death | None = None
        #: Replies still to come.
        self._pending = 0

    @property
    def pid(self) -> int:
        return self._process.pid

    def ask(self, command: str, *args: Any, timeout: float) -> object:
        """Send one command; return the worker's reply, or a Death if it never comes."""
        self.ask_async(command, *args)
        return self.wait(timeout)

    def ask_async(self, command: str, *args: Any) -> None:
        """Send one command without waiting: the worker starts on it at once."""
        self._send(1, command, *args)

    def ask_each(self, command: str, items: list[Any], *args: Any) -> None:
        """Send one command over many items (worker.py's ``calls``): one reply per item follows, each read by
        :meth:`wait` with its own timeout, in order. A Death ends them all."""
        self._send(len(items), command, items, *args)

    def stop(self, timeout: float) -> None:
        """Ask the worker to skip the rest of the stream it is answering, and read what it answers until then (a call
        already under way, not kept: the caller did not want it). A Death if it never says it stopped."""
        if not self._pending or self.death is not None:
            return
        try:
            self._commands.send(("stop", ()))
        except OSError:
            self._died()
            return
        while True:
            if not self._results.poll(timeout + GRACE_SECONDS):
                self._died(hung_after=timeout + GRACE_SECONDS)
                return
            try:
                reply = self._results.recv()
            except (EOFError, OSError):
                self._died()
                return
            if type(reply).__name__ == "Stopped":
                self._pending = 0
                return

    @property
    def pending(self) -> int:
        """Replies still to come."""
        return self._pending

    def _send(self, replies: int, command: str, *args: Any) -> None:
        assert not self._pending, "one command at a time"
        self._pending = replies
        if self.death is None:
            try:
                self._commands.send((command, args))
            except OSError:  # BrokenPipeError: the worker is gone already
                self._died()

    def wait(self, timeout: float) -> object:
        """The reply to the command sent last, or a Death."""
        if self.death is not None:
            self._pending = 0
            return self.death
        if not self._results.poll(timeout + GRACE_SECONDS):
            return self._died(hung_after=timeout + GRACE_SECONDS)
        try:
            reply = self._results.recv()
        except (EOFError, OSError):
            return self._died()
        self._pending -= 1
        if type(reply).__name__ == "Bug":
            raise WorkerBug(f"score-contract failed inside the worker for {self.script}:\n{reply.text}")
        return reply

    def _died(self, hung_after: float | None = None) -> Death:
        self._pending = 0
        if hung_after is not None:
            signal_group(self._process, signal.SIGKILL)
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            signal_group(self._process, signal.SIGKILL)
            code = self._process.wait()
        signal_name = None
        if code < 0 and hung_after is None:
            try:
                signal_name = signal.Signals(-code).name
            except ValueError:
                signal_name = f"signal {-code}"
        self.death = Death(
            exit_code=code if code >= 0 else None,
            signal_name=signal_name,
            hung_after=hung_after,
            last_output=self.last_output(),
        )
        return self.death

    def log_size(self) -> int:
        """How much the script has printed so far (stdout and stderr)."""
        try:
            return os.fstat(self._log.fileno()).st_size
        except (OSError, ValueError):
            return 0

    def output_since(self, offset: int) -> str:
        """What the script printed since ``offset`` (its last lines when that is long)."""
        size = self.log_size()
        if size <= offset:
            return ""
        try:
            start = max(offset, size - _LAST_OUTPUT_BYTES)
            data = os.pread(self._log.fileno(), size - start, start)
        except (OSError, ValueError):
            return ""
        return data.decode("utf-8", "replace").rstrip()

    def last_output(self) -> str:
        """The tail of what the script printed (stdout and stderr)."""
        try:
            self._log.flush()
            size = self._log.seek(0, os.SEEK_END)
            self._log.seek(max(0, size - _LAST_OUTPUT_BYTES))
            data = self._log.read()
        except (OSError, ValueError):
            return ""
        text = data.decode("utf-8", "replace")
        if size > _LAST_OUTPUT_BYTES:
            text = text.split("\n", 1)[-1]
        return text.rstrip()

    def release(self) -> None:
        """Ask an idle worker to leave, without waiting for it (close() reaps it later)."""
        if self._process.poll() is None and not self._pending:
            try:
                self._commands.send(("quit", ()))
            except OSError:
                pass

    def close(self) -> None:
        """Stop the worker and everything it started (its whole process group)."""
        if self._process.poll() is None and not self._pending:
            # Idle: let it leave on its own. Busy (interrupted mid-command): no use asking.
            try:
                self._commands.send(("quit", ()))
                self._process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        # The script may have left children in the group even after a clean exit.
        stop_group(self._process, grace=2)
        for handle in (self._commands, self._results):
            try:
                handle.close()
            except OSError:
                pass
        self._log.close()
