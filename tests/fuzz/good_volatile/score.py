"""Correct: the request id changes on every call, and --score-volatile-keys says so."""
import json
import uuid


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"request_id": str(uuid.uuid4()), "sums": [sum(row) for row in rows]}
