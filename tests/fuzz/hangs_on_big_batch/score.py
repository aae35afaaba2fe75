"""BROKEN: pairs up the rows of a batch with a loop that only ends for one or two rows."""
import json


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    if len(rows) > 40 or any(not isinstance(r, list) or len(r) != 2 for r in rows):
        raise ValueError("data must hold at most 40 pairs of numbers")
    pending = list(rows)
    pairs = []
    while pending:
        if len(pending) <= 2:
            pairs.append(pending[:])
            pending = []
        # more than two rows: the index never advances
    return {"pairs": len(pairs)}
