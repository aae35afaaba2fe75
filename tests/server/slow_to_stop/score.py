"""Correct, but slow to stop under the official server: on SIGTERM the worker first
flushes a buffer for up to a minute (a telemetry exporter, a model cache written
back). The fault tests kill the test session while the server is stopping.

When SCORE_CONTRACT_TEST_MARKERS names a folder, the SIGTERM handler leaves a file
there as it starts, so that a test knows the moment has come."""

import os
import signal
import sys
import time


def _flush_then_leave(signum, frame):
    markers = os.environ.get("SCORE_CONTRACT_TEST_MARKERS")
    if markers:
        open(os.path.join(markers, f"stopping-{os.getpid()}"), "w").close()
    time.sleep(60)
    sys.exit(0)


def init():
    if "gunicorn" in sys.modules:  # only the official server's worker
        signal.signal(signal.SIGTERM, _flush_then_leave)


def run(raw_data):
    return {"length": len(raw_data)}
