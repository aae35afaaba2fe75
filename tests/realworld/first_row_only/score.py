"""Handles exactly one row: the PyTorch tutorial's scoring script (softmax(...)[0] and
classes[argmax(output, 1)]), in numpy. Its one-row sample passes; no rows raise
IndexError, two rows raise ValueError."""
import json

import numpy as np


def init():
    global weights
    weights = np.array([[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]])


def run(input_data):
    input_data = np.array(json.loads(input_data)["data"], dtype=float).reshape(-1, 3)
    output = input_data @ weights
    classes = ["chicken", "turkey"]
    pred_probs = np.exp(output) / np.exp(output).sum(axis=1, keepdims=True)
    pred_probs = pred_probs[0]
    index = np.argmax(output, 1).item()
    return {"label": classes[index], "probability": str(pred_probs[index])}
