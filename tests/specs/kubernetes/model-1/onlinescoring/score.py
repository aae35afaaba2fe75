"""Correct, in the shape of azureml-examples' cli/endpoints/online/model-1/onlinescoring/score.py, with a model that
takes about 100 MB once loaded: fine on a Standard_DS3_v2 (14 GiB), over a 64Mi Kubernetes memory limit."""

import json
import os


def init():
    global model
    with open(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model/weights.json")) as f:
        weights = json.load(f)
    # What a real model's arrays take once loaded.
    model = {"weights": weights, "buffer": bytearray(100 * 1024 * 1024)}


def run(raw_data):
    data = json.loads(raw_data)["data"]
    return [sum(w * x for w, x in zip(model["weights"], row)) for row in data]
