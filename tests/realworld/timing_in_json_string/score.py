"""Correct (but double encoded, a warning): the facial-expression ONNX notebook returns
json.dumps of its answer, so the timing sits inside a JSON string."""

import json
import time


def init():
    global emotions
    emotions = ["neutral", "happiness", "surprise", "sadness"]


def run(input_data):
    try:
        start = time.time()
        data = json.loads(input_data)["data"]
        result = [emotions[int(max(row) * 10) % 4] for row in data]
        end = time.time()
        result_dict = {"result": result, "time_in_sec": [end - start]}
    except Exception as e:
        result_dict = {"error": str(e)}
    return json.dumps(result_dict)
