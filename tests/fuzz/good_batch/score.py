"""Correct: handles the empty batch, a single row, the largest batch, the optional key,
every enum value and any text."""
import json

PRICE = {"basic": 1.0, "plus": 0.9, "premium": 0.75}


def init():
    pass


def run(raw_data):
    body = json.loads(raw_data)
    threshold = body.get("threshold", 0.5)
    rows = body["data"]
    totals = [round(row["amount"] * PRICE[row["plan"]], 2) for row in rows]
    return {
        "totals": totals,
        "flagged": [t > threshold * 100 for t in totals],
        "best": max(totals) if totals else None,
        "labels": [row.get("label", "").upper() for row in rows],
    }
