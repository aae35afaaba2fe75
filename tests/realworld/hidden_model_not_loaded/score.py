"""Broken: init() cannot find the model (the deployment mounts it under a sub-folder),
logs the error and goes on; run() then fails on every call and answers the error text
with a 200 (the v1 notebooks' `return str(e)`)."""

import json
import logging
import os
import pickle

model = None


def init():
    global model
    model_path = os.path.join(os.getenv("AZUREML_MODEL_DIR", ""), "model.pkl")
    try:
        with open(model_path, "rb") as f:
            model = pickle.load(f)
    except Exception as e:
        logging.error("could not load the model: %s", e)


def run(raw_data):
    try:
        data = json.loads(raw_data)["data"]
        result = model.predict(data)
        return result.tolist()
    except Exception as e:
        result = str(e)
        return result
