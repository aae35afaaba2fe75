"""Churn scoring, version 2 — BREAKS ITS CLIENTS ON PURPOSE: "probabilities" renamed "churn_probabilities".

A logistic model over three features of a customer, loaded from the registered model's folder in init().

Request:  {"data": [{"tenure_months": 12, "monthly_charges": 70.5, "support_calls": 3}, ...]}
Response: {"predictions": [0 or 1, ...], "churn_probabilities": [float, ...]}

A client of v1 reads "probabilities", which is gone: answers_match_the_baseline and contract_is_backward_compatible
fail. Keeping the old key beside the new one (or --score-accept-changes for a deliberate break) fixes it.
"""

import json
import logging
import os

import numpy as np

THRESHOLD = 0.5
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
        "churn_probabilities": [float(p) for p in probabilities],
    }
