"""A batch scoring script for file inputs, written as the official batch samples are
(azureml-examples, cli/endpoints/batch/deploy-models): init() finds the model under
AZUREML_MODEL_DIR, run() reads each CSV file of the mini-batch and returns a
DataFrame with one row per file, named after it.

    pytest --score examples/batch-files/score.py --score-model-dir examples/batch-files/model
"""

import glob
import json
import os
from typing import List

import pandas as pd


def init():
    global weights
    model_dir = os.environ["AZUREML_MODEL_DIR"]
    model_file = glob.glob(os.path.join(model_dir, "**", "weights.json"), recursive=True)[-1]
    with open(model_file) as f:
        weights = json.load(f)


def run(mini_batch: List[str]) -> pd.DataFrame:
    results = []
    for file_path in mini_batch:
        try:
            data = pd.read_csv(file_path)
        except pd.errors.EmptyDataError:
            data = pd.DataFrame(columns=list(weights))
        scores = sum(data[column].astype(float) * weight for column, weight in weights.items())
        results.append(
            {
                "file": os.path.basename(file_path),
                "rows": len(data),
                "mean_score": round(float(scores.mean()), 4) if len(data) else None,
            }
        )
    return pd.DataFrame(results)
