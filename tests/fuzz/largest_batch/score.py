"""BROKEN: a hard-coded buffer of 32 rows; the API allows up to 64."""
import json

BUFFER = [0.0] * 32


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    for i, row in enumerate(rows):
        BUFFER[i] = float(row["amount"])
    return {"total": sum(BUFFER[: len(rows)])}
