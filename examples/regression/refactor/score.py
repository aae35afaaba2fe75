"""Churn scoring, version 2 (a refactor): the scaling folded into the coefficients once, in init().

Mathematically the same model as v1; in floating point the last digits move (the products are summed in another
order), which --score-tolerance's default lets through. The answers match the baseline: the comparison passes.
"""

import json
import logging
import os

import numpy as np

THRESHOLD = 0.5
weights = None
offset = 0.0
features = ()


def init():
    global weights, offset, features
    with open(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "churn-model.json")) as handle:
        model = json.load(handle)
    features = tuple(model["features"])
    # (x - mean) / scale @ coef + intercept  ==  x @ (coef / scale) + (intercept - mean / scale @ coef)
    weights = np.array(model["coef"]) / np.array(model["scale"])
    offset = model["intercept"] - float(np.array(model["mean"]) @ weights)
    logging.info("Init complete")


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    x = np.array([[float(row[name]) for name in features] for row in rows]).reshape(-1, len(features))
    probabilities = 1.0 / (1.0 + np.exp(-(x @ weights + offset)))
    return {
        "predictions": [int(p >= THRESHOLD) for p in probabilities],
        "probabilities": [float(p) for p in probabilities],
    }
