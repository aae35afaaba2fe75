"""BROKEN: retries forever when the body lacks "data"."""
import json
import time


def init():
    pass


def run(raw_data):
    try:
        body = json.loads(raw_data)
    except ValueError:
        return {"error": "not JSON"}
    while not isinstance(body, dict) or "data" not in body:
        time.sleep(0.05)  # waiting for a field that never comes
    return {"count": len(body["data"])}
