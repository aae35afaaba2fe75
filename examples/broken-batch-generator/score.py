# BROKEN ON PURPOSE — check: run_returns_a_list_or_dataframe
"""Broken: run() yields its results (as one official sample does), so it returns a
generator, which the runtime refuses: every mini-batch fails."""

import os


def init():
    pass


def run(mini_batch):
    for file_path in mini_batch:
        yield f"{os.path.basename(file_path)}: {os.path.getsize(file_path)}"
