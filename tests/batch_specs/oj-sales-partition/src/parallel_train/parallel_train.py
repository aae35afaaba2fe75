"""An entry script in the shape of azureml-examples' 1a_oj_sales_prediction parallel_train.py: init() takes its
columns and the model folder from the program arguments; run(input_data, mini_batch_context) is given one
partition's rows, fits a lagged least-squares model of the target, and saves it in a folder named after the
partition's keys. It writes its own output and returns an empty list: the job ignores the mini-batches' returns
(error_threshold -1, no append_row_to).
"""

import argparse
import json
import os

import numpy as np
import pandas as pd


def init():
    parser = argparse.ArgumentParser()
    parser.add_argument("--drop_cols", type=str)
    parser.add_argument("--target_col", type=str)
    parser.add_argument("--date_col", type=str)
    parser.add_argument("--lagging_orders", type=str)
    parser.add_argument("--model_folder", type=str)
    args, _ = parser.parse_known_args()

    global target_col, date_col, lagging_orders, model_folder, drop_cols
    target_col = args.target_col
    date_col = args.date_col
    lagging_orders = [int(i) for i in args.lagging_orders.split(",")]
    model_folder = args.model_folder
    drop_cols = args.drop_cols.split(",")


def run(input_data, mini_batch_context):
    if not isinstance(input_data, pd.DataFrame):
        raise Exception("Not a valid DataFrame input.")
    if target_col not in input_data.columns:
        raise Exception("No target column found from input tabular data")

    store = mini_batch_context.partition_key_value["Store"]
    brand = mini_batch_context.partition_key_value["Brand"]
    print(f"partition {store}/{brand}, mini-batch {mini_batch_context.minibatch_index}")

    data = input_data.assign(**{date_col: pd.to_datetime(input_data[date_col])})
    data = data.set_index(date_col).sort_index().drop(columns=drop_cols, errors="ignore")
    for lag in lagging_orders:
        data[f"lag_{lag}"] = data[target_col].shift(lag)
    data = data.dropna()

    coefficients = []
    if len(data):
        features = np.column_stack([np.ones(len(data)), data.drop(columns=[target_col]).to_numpy(dtype=float)])
        coefficients = np.linalg.lstsq(features, data[target_col].to_numpy(dtype=float), rcond=None)[0].tolist()

    folder = os.path.join(model_folder, str(store), str(brand))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump({"coefficients": coefficients, "rows": len(data)}, f)
    return []
