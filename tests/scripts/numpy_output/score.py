import json

import numpy as np


def init():
    pass


def run(raw_data):
    rows = np.array(json.loads(raw_data)["data"])
    return {"count": np.int64(len(rows)), "sums": rows.sum(axis=1)}
