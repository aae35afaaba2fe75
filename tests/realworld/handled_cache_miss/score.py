"""Correct: a KeyError is the cache miss of a small per-customer cache; it never reaches the answer."""

import json

_cache = {}


def init():
    global rates
    rates = {"basic": 0.05, "premium": 0.02}


def _score(customer):
    key = (customer["plan"], customer["months"])
    try:
        return _cache[key]
    except KeyError:
        value = round(rates[customer["plan"]] * customer["months"], 4)
        _cache[key] = value
        return value


def run(raw_data):
    customers = json.loads(raw_data)["customers"]
    return {"churn": [_score(c) for c in customers]}
