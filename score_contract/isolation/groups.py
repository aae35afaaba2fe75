"""Stopping a process and everything it started.

Workers and servers run in sessions (and process groups) of their own, so that
what a script starts, and the server's own workers, are stopped with them.
"""

from __future__ import annotations

import os
import signal
import subprocess


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
