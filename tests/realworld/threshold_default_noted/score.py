"""Correct, with a note: a fraud model whose clients may send their own decision
threshold. run() reads it EAFP-style (try: payload["threshold"] except KeyError: the
default), and when it was left out, says so in a note beside the whole result. The
caught KeyError reaches the answer only as that note: worth a warning, not a failure."""
import json
import logging

DEFAULT_THRESHOLD = 0.5
WEIGHTS = {"amount": 0.004, "foreign": 1.5, "night": 0.8}
BIAS = -3.0


def init():
    logging.info("fraud model ready, default threshold %s", DEFAULT_THRESHOLD)


def probability(tx):
    z = BIAS + sum(WEIGHTS[name] * float(tx[name]) for name in WEIGHTS)
    return round(1 / (1 + 2.718281828459045**-z), 4)


def run(raw_data):
    payload = json.loads(raw_data)
    note = None
    try:
        threshold = payload["threshold"]
    except KeyError as e:
        threshold = DEFAULT_THRESHOLD
        note = f"no {e} given: the default {DEFAULT_THRESHOLD} was used"
    scores = [probability(tx) for tx in payload["transactions"]]
    answer = {"scores": scores, "flagged": [s >= threshold for s in scores], "threshold": threshold}
    if note:
        answer["note"] = note
    return answer
