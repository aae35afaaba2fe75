import json
import math


def init():
    pass


def run(raw_data):
    values = json.loads(raw_data)["data"]
    mean = sum(values) / len(values) if values else float("nan")
    return {"mean": None if math.isnan(mean) else mean}
