# BROKEN ON PURPOSE — check: init_succeeds
#
# What is wrong: init() loads the model from the path it had on the data
# scientist's laptop. That path does not exist in the deployment container, so
# init() raises FileNotFoundError, the worker exits with code 3 and the
# deployment never becomes ready ("container crashed" / CrashLoopBackOff).
#
# How to fix: load the model from the folder the server names in
# AZUREML_MODEL_DIR (the registered model is mounted there):
#     model_path = os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.joblib")
# Check it locally with --score-model-dir pointing at a folder that holds model.joblib.
"""The sklearn-diabetes scoring script, with the model path hard-coded.

Request:  {"data": [[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6], ...]}
Response: {"predictions": [float, ...]}
"""

import json

import joblib
import numpy as np

MODEL_PATH = "/Users/alice/models/model.joblib"  # BUG: a laptop path, see the top of the file

model = None


def init():
    global model
    model = joblib.load(MODEL_PATH)


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    if len(rows) == 0:
        return {"predictions": []}
    predictions = model.predict(np.asarray(rows, dtype=float))
    return {"predictions": [float(p) for p in predictions]}
