"""BROKEN: adds noise, so the same body gets another answer."""
import json
import random


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"request_id": random.random(), "scores": [x + random.random() * 1e-3 for x in rows]}
