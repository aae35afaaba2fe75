"""Correct code, stale model: the model-1 sample's scoring script, loading a linear
regression that was pickled with scikit-learn 1.3.2 (model/, see make_model.py). It
loads and predicts, and scikit-learn only warns: "This might lead to breaking code or
invalid results". The gate passes it, with that warning and both versions."""
import json
import logging
import os

import joblib
import numpy


def init():
    global model
    # AZUREML_MODEL_DIR is the model's folder; the model was registered with its model/ folder.
    model_path = os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model/sklearn_regression_model.pkl")
    model = joblib.load(model_path)
    logging.info("Init complete")


def run(raw_data):
    logging.info("model 1: request received")
    data = json.loads(raw_data)["data"]
    data = numpy.array(data).reshape(-1, model.n_features_in_)
    if len(data) == 0:
        return []
    result = model.predict(data)
    logging.info("Request processed")
    return result.tolist()
