"""Score diabetes progression with a scikit-learn model loaded from AZUREML_MODEL_DIR.

Request:  {"data": [[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6], ...]}
Response: {"predictions": [float, ...]}  one per row, in order

The typical Azure ML pattern: init() loads the model once per worker from the
folder the server names in AZUREML_MODEL_DIR, and an undecorated run() parses
the raw request text itself.
"""

import json
import os

import joblib
import numpy as np

N_FEATURES = 10  # age, sex, bmi, bp, s1..s6 — the order of load_diabetes().feature_names

model = None


def init():
    global model
    # The server sets AZUREML_MODEL_DIR to the registered model's folder; never
    # hard-code a path from the machine the model was trained on.
    model_path = os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.joblib")
    model = joblib.load(model_path)


def run(raw_data):
    # An undecorated run() gets the request body as text, never parsed.
    rows = json.loads(raw_data)["data"]
    if len(rows) == 0:
        # scikit-learn refuses to predict on zero rows; an empty batch has an empty answer.
        return {"predictions": []}
    features = np.asarray(rows, dtype=float)
    if features.ndim != 2 or features.shape[1] != N_FEATURES:
        raise ValueError(f"each row must hold {N_FEATURES} numbers, got an array of shape {features.shape}")
    predictions = model.predict(features)
    # numpy float64 values would encode, but other numpy types would not:
    # returning plain Python floats keeps the response encodable whatever the model.
    return {"predictions": [float(p) for p in predictions]}
