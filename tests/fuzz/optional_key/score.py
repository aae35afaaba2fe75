"""BROKEN: reads "threshold", which the API calls optional."""
import json


def init():
    pass


def run(raw_data):
    body = json.loads(raw_data)
    threshold = body["threshold"]
    return {"flags": [score > threshold for score in body["scores"]]}
