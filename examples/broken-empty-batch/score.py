# BROKEN ON PURPOSE — check: run_accepts_valid_input
#
# What is wrong: run() reports the highest fraud score of the batch with
# scores.max(). For an empty batch, {"data": []} — which a client sends when a
# nightly job finds no new transactions — numpy raises "ValueError: zero-size
# array to reduction operation maximum which has no identity", and the client
# gets HTTP 500 instead of an empty answer.
#
# How to fix: answer an empty batch before reducing over it:
#     if len(scores) == 0:
#         return {"scores": [], "max_score": None}
"""Score card transactions for fraud.

Request:  {"data": [[amount, hours_since_last_purchase, is_foreign], ...]}
Response: {"scores": [float, ...], "max_score": float}
"""

import json

import numpy as np

N_FEATURES = 3
WEIGHTS = np.array([0.004, -0.03, 1.2])
BIAS = -2.5


def init():
    pass


def run(raw_data):
    rows = np.asarray(json.loads(raw_data)["data"], dtype=float).reshape(-1, N_FEATURES)
    scores = 1.0 / (1.0 + np.exp(-(rows @ WEIGHTS + BIAS)))
    # BUG: fails on an empty batch, see the top of the file.
    return {"scores": scores.round(4).tolist(), "max_score": float(scores.max())}
