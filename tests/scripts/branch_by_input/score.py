"""A correct script with a branch only one input reaches: a "premium" plan, which no sample sends.

Its local module prices the seats; a branch there (more than 100 seats) is reached by no sample
either. tests/test_coverage.py measures what the gate reached of both.
"""

import json

from pricing import seats_price

PRICES = {}


def init():
    PRICES.update({"basic": 10.0, "premium": 25.0})


def run(raw_data):
    body = json.loads(raw_data)
    plan = body.get("plan", "basic")
    if plan == "premium":
        price = PRICES["premium"] * 0.9
        return {"price": round(price, 2), "tier": "gold"}
    return {"price": seats_price(PRICES.get(plan, 10.0), body.get("seats", 1))}
