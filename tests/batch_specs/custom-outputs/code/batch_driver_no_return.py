"""The custom-outputs driver with the return left out, as in a parallel job that ignores the mini-batches'
returns: it writes its files and returns an empty list. Under error_threshold -1 that is correct; under any other
threshold every input counts as a failed item and the job fails.
"""

import glob
import json
import os
from pathlib import Path

import pandas as pd


def init():
    global weights, output_path
    output_path = os.environ["AZUREML_BI_OUTPUT_PATH"]
    model_file = glob.glob(os.environ["AZUREML_MODEL_DIR"] + "/*/*.json")[-1]
    with open(model_file) as f:
        weights = json.load(f)


def run(mini_batch):
    for file_path in mini_batch:
        data = pd.read_csv(file_path)
        data["prediction"] = sum(data[column] * weight for column, weight in weights.items())
        data.to_csv(os.path.join(output_path, Path(file_path).stem + ".csv"), index=False)
    return []
