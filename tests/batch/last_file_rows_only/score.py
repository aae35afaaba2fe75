"""Broken: the loop assigns its result instead of collecting it, so run() returns the last
file's rows only. Every sample has 3 rows: 3 rows for a mini-batch of 3 files look complete
to the runtime's count, but each file alone gives 3, so 6 are lost from the output file."""

import os

import pandas as pd


def init():
    pass


def run(mini_batch):
    result = pd.DataFrame()
    for file_path in mini_batch:
        data = pd.read_csv(file_path)
        result = data.assign(file=os.path.basename(file_path), score=data["amount"] * 0.01)
    return result
