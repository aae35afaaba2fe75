"""Churn scoring, version 2 — FLIPS CLASSES ON PURPOSE: the decision threshold moved from 0.5 to 0.6.

A logistic model over three features of a customer, loaded from the registered model's folder in init().

Request:  {"data": [{"tenure_months": 12, "monthly_charges": 70.5, "support_calls": 3}, ...]}
Response: {"predictions": [0 or 1, ...], "probabilities": [float, ...]}

Every customer whose probability lies in [0.5, 0.6) is now predicted to stay: the probabilities match v1, the
predictions do not, and answers_match_the_baseline fails with the number of flipped classes.
"""

import json
import logging
import os

import numpy as np

THRESHOLD = 0.6
model = None


def init():
    global model
    path = os.path.join(os.getenv("AZUREML_MODEL_DIR"), "churn-model.json")
    with open(path) as handle:
        model = json.load(handle)
    logging.info("Init complete")


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    x = np.array([[float(row[name]) for name in model["features"]] for row in rows]).reshape(-1, len(model["features"]))
    z = ((x - np.array(model["mean"])) / np.array(model["scale"])) @ np.array(model["coef"]) + model["intercept"]
    probabilities = 1.0 / (1.0 + np.exp(-z))
    return {
        "predictions": [int(p >= THRESHOLD) for p in probabilities],
        "probabilities": [float(p) for p in probabilities],
    }
