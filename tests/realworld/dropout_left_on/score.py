"""Broken: like a network left in training mode (dropout on at inference), every
answer carries unseeded noise: the same request gets different scores twice in a row."""

import json
import random


def init():
    global weights
    weights = [0.3, 0.6, -0.2]


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    scores = []
    for row in rows:
        kept = [x if random.random() > 0.1 else 0.0 for x in row]
        scores.append(sum(w * x for w, x in zip(weights, kept)))
    return {"scores": scores}
