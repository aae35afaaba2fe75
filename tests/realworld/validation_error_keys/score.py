"""Correct: a sensor anomaly endpoint (community style). Bad requests get
{"error": "missing required field: ..."} without any exception; a good one gets an
answer with a "message" key and the request's own timestamp echoed back (it is stable)."""

import json

REQUIRED = ("device_id", "timestamp", "value")


def init():
    global limits
    limits = {"low": -40.0, "high": 85.0}


def run(raw_data):
    req = json.loads(raw_data)
    if not isinstance(req, dict):
        return {"error": "the request must be a JSON object"}
    for field in REQUIRED:
        if field not in req:
            return {"error": f"missing required field: {field}"}
    value = req["value"]
    anomaly = not limits["low"] <= value <= limits["high"]
    return {
        "device_id": req["device_id"],
        "timestamp": str(req["timestamp"]),
        "anomaly": anomaly,
        "message": "out of range" if anomaly else "ok",
    }
