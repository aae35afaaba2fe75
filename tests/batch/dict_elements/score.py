"""Works, but its output is hard to read back: run() returns a list of dicts, which
the runtime writes as their Python repr, one per line."""

import os


def init():
    pass


def run(mini_batch):
    return [{"file": os.path.basename(path), "size": os.path.getsize(path)} for path in mini_batch]
