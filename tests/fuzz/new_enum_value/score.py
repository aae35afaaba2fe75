"""BROKEN: "premium" was added to the API's enum later; the lookup table was not updated."""
import json

DISCOUNT = {"basic": 0.0, "plus": 0.1}


def init():
    pass


def run(raw_data):
    body = json.loads(raw_data)
    return {"price": round(body["amount"] * (1 - DISCOUNT[body["plan"]]), 2)}
