"""The scoring script the overhead benchmarks time: a linear model over rows of numbers,
cheap enough that what is measured is the machinery around run(), not run() itself."""

LINEAR = """
import json


def init():
    global weights
    weights = [0.5, -0.25, 1.0]


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"scores": [sum(w * x for w, x in zip(weights, row)) for row in rows]}
"""
