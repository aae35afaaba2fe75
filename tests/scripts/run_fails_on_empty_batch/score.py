import json


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    scores = [sum(r) for r in rows]
    return {"scores": scores, "mean": sum(scores) / len(scores)}
