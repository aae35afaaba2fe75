"""Broken: `import time` got lost in a refactoring. Every call raises NameError, and the
v1-style try/except turns it into a 200 whose body is the error."""

import json
import logging


def init():
    global weights
    weights = [0.4, -1.2, 0.7]
    logging.info("model loaded")


def run(raw_data):
    try:
        rows = json.loads(raw_data)["data"]
        started = time.perf_counter()
        scores = [sum(w * x for w, x in zip(weights, row)) for row in rows]
        return {"scores": scores, "elapsed": time.perf_counter() - started}
    except Exception as e:
        return {"error": str(e)}
