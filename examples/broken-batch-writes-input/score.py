# BROKEN ON PURPOSE — check: run_writes_only_to_the_output_folder
"""Broken: run() writes each prediction file next to its input, into the input
folder (a read-only mount in the job), instead of AZUREML_BI_OUTPUT_PATH."""

import pandas as pd


def init():
    pass


def run(mini_batch):
    for file_path in mini_batch:
        data = pd.read_csv(file_path) if open(file_path).read().strip() else pd.DataFrame({"amount": []})
        data["prediction"] = data["amount"] * 2
        data.to_csv(file_path + ".predictions.csv", index=False)
    return mini_batch
