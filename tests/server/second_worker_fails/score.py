"""Broken with more than one worker: init() takes a lock that only one process can
hold (a GPU, a fixed port, a single-writer file), so the second worker's init()
fails. The official server with --worker_count 2 says "Worker failed to boot" and
exits; one worker (the in-process engine) never notices."""

import fcntl
import os
import tempfile

lock = None


def init():
    global lock
    # One lock per server: keyed by the process that started the workers.
    path = os.path.join(tempfile.gettempdir(), f"score-contract-test-gpu-{os.getppid()}.lock")
    lock = open(path, "w")
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError in the second worker


def run(raw_data):
    return {"length": len(raw_data)}
