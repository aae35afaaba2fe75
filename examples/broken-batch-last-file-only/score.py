# BROKEN ON PURPOSE — check: run_accounts_for_every_input
"""Broken: the loop overwrites its result, so run() returns only the last file's
prediction; the runtime counts every other file of the mini-batch as failed."""

import os

import pandas as pd


def init():
    pass


def run(mini_batch):
    result = None
    for file_path in mini_batch:
        if os.path.getsize(file_path) == 0:
            continue
        data = pd.read_csv(file_path)
        result = f"{os.path.basename(file_path)}: {data['amount'].sum()}"
    return [result]
