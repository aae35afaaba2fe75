"""A batch scoring script for tabular inputs (a parallel job over an MLTable, or
ParallelRunStep over a TabularDataset), written as the iris sample is
(azureml-examples, cli/jobs/parallel/2a_iris_batch_prediction): run() is given a
pandas DataFrame and returns it with a prediction column, one row per input row.
The model's path comes as a program argument, parsed with parse_known_args.

    pytest --score examples/batch-tabular/score.py --score-batch-input tabular
"""

import argparse
import json
import os


def init():
    global thresholds
    parser = argparse.ArgumentParser(allow_abbrev=False, description="ParallelRunStep Agent")
    parser.add_argument("--model", type=str, default=os.path.join(os.path.dirname(__file__), "model"))
    args, _ = parser.parse_known_args()
    with open(os.path.join(args.model, "thresholds.json")) as f:
        thresholds = json.load(f)


def run(mini_batch):
    result = mini_batch.copy()
    result["variety"] = [
        "setosa" if length < thresholds["setosa"] else "versicolor" if length < thresholds["versicolor"] else "virginica"
        for length in mini_batch["petal_length"]
    ]
    return result
