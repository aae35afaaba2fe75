"""Broken, quietly: the diabetes regression of the getting-started tutorials, with
the answer built as a dict and returned as str(result). The server encodes that
str as one JSON string holding a Python repr ('single quotes'), which no client can
parse as JSON; every request still gets a 200."""
import json

import numpy as np

COEFFICIENTS = np.array([0.5, -1.2, 2.0, 0.7])
INTERCEPT = 152.1


def init():
    global weights
    weights = COEFFICIENTS


def run(raw_data):
    data = np.array(json.loads(raw_data)["data"], dtype=float).reshape(-1, len(weights))
    predictions = data @ weights + INTERCEPT
    result = {"predictions": predictions.round(2).tolist(), "model": "diabetes-linear"}
    return str(result)
