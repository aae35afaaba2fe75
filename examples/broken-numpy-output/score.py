# BROKEN ON PURPOSE — check: output_is_json_encodable
#
# What is wrong: run() returns numpy values — the ndarray from np.argmax and the
# numpy.int64 from .sum(). run() itself succeeds, but the server then encodes the
# result with the standard json.dumps, which cannot encode numpy types: the
# client gets HTTP 500 "An unexpected internal error occurred" and the server log
# says "Object of type ndarray is not JSON serializable".
#
# How to fix: convert to plain Python before returning:
#     return {"labels": labels.tolist(), "n_urgent": int(n_urgent)}
"""Triage support tickets into priority classes from three numeric signals.

Request:  {"data": [[hours_open, customer_tier, negative_words], ...]}
Response: {"labels": [0 | 1 | 2, ...], "n_urgent": int}   (0 = low, 1 = normal, 2 = urgent)
"""

import json

import numpy as np

# One row of weights per priority class, fitted offline.
WEIGHTS = np.array(
    [
        [-0.05, -0.8, -0.6],
        [0.02, 0.1, 0.2],
        [0.06, 0.7, 0.9],
    ]
)
BIAS = np.array([1.5, 0.3, -2.0])
URGENT = 2


def init():
    pass


def run(raw_data):
    rows = np.asarray(json.loads(raw_data)["data"], dtype=float).reshape(-1, WEIGHTS.shape[1])
    labels = np.argmax(rows @ WEIGHTS.T + BIAS, axis=1)
    n_urgent = (labels == URGENT).sum()
    return {"labels": labels, "n_urgent": n_urgent}  # BUG: numpy values, see the top of the file
