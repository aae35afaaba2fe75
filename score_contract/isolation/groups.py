"""Stopping a process and everything it started.

Workers and servers run in sessions (and process groups) of their own, so that
what a script starts, and the server's own workers, are stopped with them.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import tempfile
from typing import IO


def signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_group(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM to the group, ``grace`` seconds to leave, then SIGKILL to whatever is left of it."""
    signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        signal_group(process, signal.SIGKILL)
        process.wait()
    # The leader has gone: anything still in its group (a server's worker, a script's child) goes too.
    signal_group(process, signal.SIGKILL)


def shared_log(prefix: str) -> IO[bytes]:
    """A temporary file that a child process writes its output to while we read it, opened for appending.

    The child's stdout is the same open file as ours, offset included: each of our reads moves the offset the child
    writes at, and without O_APPEND the child then writes over what it wrote before. Measured: a child printing
    20,000 lines while we read the file again and again kept 11,831 of them; an official server under load lost its
    "Booting worker" line (test_parity_http saw "gunicorn started 0 workers")."""
    log = tempfile.TemporaryFile(prefix=prefix)
    flags = fcntl.fcntl(log.fileno(), fcntl.F_GETFL)
    fcntl.fcntl(log.fileno(), fcntl.F_SETFL, flags | os.O_APPEND)
    return log
