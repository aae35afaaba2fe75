import json
import logging


def init():
    """Called once when the container starts."""
    global weights
    weights = [0.5, -1.25, 2.0]
    logging.info("Init complete")


def run(raw_data):
    """Score each row of the request's "data" with a linear model."""
    data = json.loads(raw_data)["data"]
    return [sum(w * x for w, x in zip(weights, row)) for row in data]
