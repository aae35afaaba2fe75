"""A batch driver in the shape of azureml-examples' heart-classifier-mlflow deployment-custom driver: init() finds
the model folder under AZUREML_MODEL_DIR, run() reads every CSV file of the mini-batch into one DataFrame with a
filename column and returns it with a prediction per row. A JSON file of weights stands in for the MLflow model.

Correct; like the official driver, it lets pandas raise EmptyDataError on an empty file.
"""

import glob
import json
import os

import pandas as pd


def init():
    global weights, threshold
    # The model folder is mounted under AZUREML_MODEL_DIR, one level down.
    folder = glob.glob(os.environ["AZUREML_MODEL_DIR"] + "/*/")[0]
    with open(os.path.join(folder, "weights.json")) as f:
        weights = json.load(f)
    # From the deployment's environment_variables.
    threshold = float(os.environ["HEART_THRESHOLD"])


def run(mini_batch):
    print(f"scoring {len(mini_batch)} files")
    frames = [pd.read_csv(path).assign(filename=os.path.basename(path)) for path in mini_batch]
    data = pd.concat(frames, ignore_index=True)
    score = sum(data[column] * weight for column, weight in weights.items())
    return data.assign(prediction=(score > threshold).astype(int))
