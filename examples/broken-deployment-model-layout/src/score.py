"""Broken on purpose: the model path only works with the laptop's layout.

Tested with `--score-model-dir model`, AZUREML_MODEL_DIR is the model/ folder itself and
weights.json lies right in it. The deployment's model is the model/ folder, which the platform
mounts as $AZUREML_MODEL_DIR/model/: there init() finds no weights.json.
"""

import json
import os

import numpy as np

weights = None


def init():
    global weights
    with open(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "weights.json")) as handle:
        weights = np.asarray(json.load(handle)["coefficients"], dtype=float)


def run(raw_data):
    rows = np.asarray(json.loads(raw_data)["data"], dtype=float).reshape(-1, len(weights))
    return {"predictions": [float(value) for value in rows @ weights]}
