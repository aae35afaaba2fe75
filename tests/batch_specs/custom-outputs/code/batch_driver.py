"""A batch driver in the shape of azureml-examples' custom-outputs-parquet driver: init() loads the model from
AZUREML_MODEL_DIR and notes the job's output folder; run() scores each CSV file of the mini-batch, writes the rows
with their predictions to a file of its own in AZUREML_BI_OUTPUT_PATH (CSV here, where the original writes
parquet) and returns the mini-batch: one element per input, which is all that summary_only counts.
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
    return mini_batch
