"""Broken on purpose: written against numpy 1.23, whose np.float alias numpy 1.24 removed.

environment/conda.yaml asks for numpy unpinned, so the environment resolves the newest numpy and
every request fails with AttributeError; environment/conda-pinned.yaml pins numpy=1.23.5 and the
same script passes.
"""

import json
import os

import numpy as np

weights = None


def init():
    global weights
    with open(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model/weights.json")) as handle:
        weights = np.asarray(json.load(handle)["coefficients"], dtype=np.float)


def run(raw_data):
    rows = np.asarray(json.loads(raw_data)["data"], dtype=np.float).reshape(-1, len(weights))
    return {"predictions": [float(value) for value in rows @ weights]}
