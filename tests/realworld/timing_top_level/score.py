"""Correct: the ONNX notebooks' answer, a result and the time it took (a float that changes on every call)."""

import json
import time


def init():
    global labels
    labels = ["neutral", "happy", "sad"]


def run(input_data):
    start = time.time()
    pixels = json.loads(input_data)["data"]
    result = [labels[int(sum(row)) % 3] for row in pixels]
    end = time.time()
    return {"result": result, "time_in_sec": end - start}
