"""Broken: a running total kept across requests leaks into every answer."""

import json


def init():
    global seen
    seen = []


def run(raw_data):
    amounts = json.loads(raw_data)["amounts"]
    seen.extend(amounts)
    return {"flagged": [a > 1000 for a in amounts], "average_so_far": sum(seen) / max(len(seen), 1)}
