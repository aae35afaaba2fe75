"""Churn scoring, version 2 — REFUSES TODAY'S CLIENTS ON PURPOSE: at most 10 support calls, where v1 took 50.

The new request contract (request.schema.json: "maximum": 10) and run() both refuse a customer with more support
calls, with a 400. v1 answered those requests, and clients send them today: contract_is_backward_compatible fails.
The new contract is its own, so the gate alone would pass; only the comparison with v1 finds what it stopped taking.
"""

import json
import logging
import os

import numpy as np
from azureml.contrib.services.aml_response import AMLResponse

THRESHOLD = 0.5
MAX_SUPPORT_CALLS = 10
model = None


def init():
    global model
    path = os.path.join(os.getenv("AZUREML_MODEL_DIR"), "churn-model.json")
    with open(path) as handle:
        model = json.load(handle)
    logging.info("Init complete")


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    for index, row in enumerate(rows):
        if row["support_calls"] > MAX_SUPPORT_CALLS:
            message = f"data[{index}].support_calls: at most {MAX_SUPPORT_CALLS}"
            return AMLResponse(json.dumps({"error": message}), 400, {"Content-Type": "application/json"})
    x = np.array([[float(row[name]) for name in model["features"]] for row in rows]).reshape(-1, len(model["features"]))
    z = ((x - np.array(model["mean"])) / np.array(model["scale"])) @ np.array(model["coef"]) + model["intercept"]
    probabilities = 1.0 / (1.0 + np.exp(-z))
    return {
        "predictions": [int(p >= THRESHOLD) for p in probabilities],
        "probabilities": [float(p) for p in probabilities],
    }
