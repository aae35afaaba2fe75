"""Broken on purpose: the script imports joblib, which environment/conda.yaml does not install.

It works on the laptop, where joblib came with scikit-learn; in the container the import fails
at start with ModuleNotFoundError and the deployment never becomes ready.
"""

import json
import os

import joblib  # noqa: F401  (the laptop has it; the environment does not)
import numpy as np

weights = None


def init():
    global weights
    with open(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model/weights.json")) as handle:
        weights = np.asarray(json.load(handle)["coefficients"], dtype=float)


def run(raw_data):
    rows = np.asarray(json.loads(raw_data)["data"], dtype=float).reshape(-1, len(weights))
    return {"predictions": [float(value) for value in rows @ weights]}
