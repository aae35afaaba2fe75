"""Correct, but slow to start under the official server: init() takes a minute there
(a large model being downloaded), and returns at once elsewhere. The fault tests kill
the test session while the server's worker is inside this init().

When SCORE_CONTRACT_TEST_MARKERS names a folder, init() leaves a file there as it
starts, so that a test knows the moment has come."""

import os
import sys
import time


def init():
    if "gunicorn" not in sys.modules:  # the in-process engine: no waiting
        return
    markers = os.environ.get("SCORE_CONTRACT_TEST_MARKERS")
    if markers:
        open(os.path.join(markers, f"init-{os.getpid()}"), "w").close()
    time.sleep(60)


def run(raw_data):
    return {"length": len(raw_data)}
