"""Broken, quietly: init() only loads the model when its file exists and otherwise
leaves it unset; run() then answers a fixed placeholder to every request, 200, no
exception anywhere. The community tutorials' "model not ready" branch."""
import json
import os
import pickle

model = None


def init():
    global model
    path = os.path.join(os.getenv("AZUREML_MODEL_DIR", "."), "model.pkl")
    if os.path.exists(path):
        with open(path, "rb") as f:
            model = pickle.load(f)


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    if model is None:
        return {"predictions": [], "model_version": "1"}
    return {"predictions": model.predict(rows).tolist(), "model_version": "1"}
