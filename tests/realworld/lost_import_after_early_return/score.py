"""Broken: a regression endpoint that answers an empty batch early and times every
other request with time.perf_counter(), but `import time` went missing in a clean-up.
Every body with a row fails, the user's own sample first; only the empty batch passes.
Such a failure sits on no edge of the contract: the failure text must not say it does."""
import json
import logging

WEIGHTS = [0.4, -1.1, 2.5]
INTERCEPT = 3.0


def init():
    logging.info("regression weights loaded")


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    if not rows:
        return {"predictions": [], "seconds": 0.0}
    started = time.perf_counter()
    predictions = [INTERCEPT + sum(w * x for w, x in zip(WEIGHTS, row)) for row in rows]
    return {"predictions": predictions, "seconds": time.perf_counter() - started}
