"""Broken (memory): every request's feature matrix is appended to a module-level list "for
monitoring", so the worker grows with every request until the container is killed."""

import json
import logging

import numpy as np

recent_requests = []


def init():
    global coefficients
    coefficients = np.array([0.5, -0.25, 2.0])
    logging.info("Init complete")


def run(raw_data):
    data = np.array(json.loads(raw_data)["data"], dtype=float).reshape(-1, 3)
    # Kept for a monitoring job that never drains it: 64 KB of features a request.
    recent_requests.append(np.repeat(data, 8192 // max(len(data), 1) + 1, axis=0)[:8192].copy())
    return {"predictions": (data @ coefficients).tolist()}
