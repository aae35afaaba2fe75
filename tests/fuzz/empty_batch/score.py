"""BROKEN: max() of an empty batch; the schema allows {"data": []}."""
import json


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    scores = [sum(row) for row in rows]
    return {"scores": scores, "best": max(scores)}
