import json
import math


def init():
    pass


def run(raw_data):
    values = json.loads(raw_data)["data"]
    mean = sum(values) / len(values) if values else float("nan")
    return {"mean": mean, "log_first": [math.log(v) if v > 0 else float("-inf") for v in values[:1]]}
