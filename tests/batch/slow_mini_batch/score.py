"""Correct, but slow: each file takes a while (a large model per file), so a full
mini-batch comes close to the runtime's per-mini-batch timeout: its four files take 0.6 s of a 1 s
timeout, over the half that warns, with room left for a loaded machine (0.8 s timed out under load)."""

import os
import time


def init():
    pass


def run(mini_batch):
    time.sleep(0.15 * len(mini_batch))
    return [f"{os.path.basename(path)}: ok" for path in mini_batch]
