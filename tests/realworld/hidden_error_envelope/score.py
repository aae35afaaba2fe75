"""Broken on an empty batch only: the mean of no readings divides by zero, and the
except branch answers {"status": "failed", "message": ...} with a 200."""

import json


def init():
    pass


def run(raw_data):
    try:
        readings = json.loads(raw_data)["data"]
        mean = sum(readings) / len(readings)
        return {"status": "ok", "anomalies": [abs(r - mean) > 10 for r in readings]}
    except Exception as e:
        return {"status": "failed", "message": str(e)}
