"""Broken: a running total kept between mini-batches, so a retried mini-batch writes
different rows the second time."""

import os

seen = 0


def init():
    pass


def run(mini_batch):
    global seen
    out = []
    for path in mini_batch:
        seen += 1
        out.append(f"{os.path.basename(path)}: {seen}")
    return out
