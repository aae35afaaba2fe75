"""Correct: one deployment serving two models, chosen by the request's "model" key, in the
style of the minimal multimodel sample (custom-container/minimal/multimodel): models/ holds
iris.sav and diabetes.sav, the body names one and carries its columns as a DataFrame's
to_dict(), and the one sample is the iris request. Varying that sample gives bodies that hold
the same numbers (5 and 5.0), which get the same predictions: no sign that run() ignores
its input, which it does not."""
import json
import os
from pathlib import Path

import joblib
import pandas as pd

models = None


def init():
    global models
    model_dir = Path(os.getenv("AZUREML_MODEL_DIR")) / "models"
    models = {m[:-4]: joblib.load(model_dir / m) for m in os.listdir(model_dir)}


def run(data):
    data = json.loads(data)
    model = models[data["model"]]
    payload = pd.DataFrame(data["data"])
    try:
        ret = model.predict(payload)
        return pd.DataFrame(ret).to_json()
    except KeyError:
        raise KeyError("No such model")
