"""Correct: predictions plus metadata that changes on every call: a request id and the
time the request was scored (ISO 8601, microseconds)."""

import json
import uuid
from datetime import datetime, timezone


def init():
    global coefficients
    coefficients = {"rooms": 25_000.0, "area": 310.0}


def run(raw_data):
    houses = json.loads(raw_data)["houses"]
    prices = [round(coefficients["rooms"] * h["rooms"] + coefficients["area"] * h["area"], 2) for h in houses]
    return {
        "predictions": prices,
        "meta": {"requestId": str(uuid.uuid4()), "scored_at": datetime.now(timezone.utc).isoformat()},
    }
