"""An entry script in the shape of azureml-examples' 2a_iris_batch_prediction/script/iris_prediction.py: init()
takes the model folder from the job's program arguments (--model, parsed with parse_known_args, no usable default),
run() is given a DataFrame of the MLTable's rows and returns it with a prediction column. A JSON file of petal
length thresholds stands in for the MLflow model.
"""

import argparse
import json
import os


def init():
    parser = argparse.ArgumentParser(allow_abbrev=False, description="ParallelRunStep Agent")
    parser.add_argument("--model", type=str, default=0)
    args, _ = parser.parse_known_args()

    global thresholds
    with open(os.path.join(args.model, "thresholds.json")) as f:
        thresholds = json.load(f)
    print("AZUREML_PARALLEL_EXAMPLE", os.environ.get("AZUREML_PARALLEL_EXAMPLE"))


def run(input_data):
    result = input_data[["sepal_length", "sepal_width", "petal_length", "petal_width"]].copy()
    result["variety"] = [
        "setosa"
        if length < thresholds["setosa"]
        else "versicolor"
        if length < thresholds["versicolor"]
        else "virginica"
        for length in input_data["petal_length"]
    ]
    return result
