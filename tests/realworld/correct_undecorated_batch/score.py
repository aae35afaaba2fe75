"""Correct: the same model-1 shape, written to take any number of rows, none included."""
import json

import numpy
from sklearn.linear_model import LinearRegression


def init():
    global model
    rng = numpy.random.default_rng(0)
    features = rng.normal(size=(50, 4))
    model = LinearRegression().fit(features, features @ numpy.arange(4.0))


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    if not rows:
        return []
    return model.predict(numpy.array(rows, dtype=float)).round(6).tolist()
