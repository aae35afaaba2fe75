"""Correct: an optional threshold falls back to its default when it is missing or not a
number; the caught TypeError/ValueError never reaches the answer."""

import json


def init():
    pass


def run(raw_data):
    payload = json.loads(raw_data)
    try:
        threshold = float(payload.get("threshold"))
    except (TypeError, ValueError):
        threshold = 0.5
    probabilities = [min(max(p, 0.0), 1.0) for p in payload["probabilities"]]
    return {"labels": [int(p >= threshold) for p in probabilities], "threshold": threshold}
