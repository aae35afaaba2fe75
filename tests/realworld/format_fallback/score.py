"""Correct: takes {"data": rows} or a bare list of rows; the TypeError of the first
format is the fallback to the second, and never reaches the answer."""

import json


def init():
    global weights
    weights = [0.5, 0.25]


def run(raw_data):
    payload = json.loads(raw_data)
    try:
        rows = payload["data"]
    except (KeyError, TypeError):
        rows = payload
    return {"predictions": [sum(w * x for w, x in zip(weights, row)) for row in rows]}
