"""A credit-risk scorer, as a team ships it: a logistic model whose weights init() loads from the model folder,
an undecorated run() that takes customers as JSON, and a request and response contract beside it
(request.schema.json, response.schema.json). Its team checks it with contract tests of its own
(test_score.py): what the model must answer, for any valid body, and through the official server."""

import json
import math
import os

MESSAGES = {
    "en": {"high": "High risk", "low": "Low risk"},
    "de": {"high": "Hohes Ausfallrisiko: Prüfung nötig", "low": "Geringes Ausfallrisiko"},
}


def init():
    global weights
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model", "weights.json")) as f:
        weights = json.load(f)


def _probability_high(customer):
    # Income in thousands: a customer with no income scores the intercept alone.
    z = weights["intercept"] + weights["income"] * customer["income"] / 1000 + weights["age"] * customer["age"]
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def run(raw_data):
    request = json.loads(raw_data)
    messages = MESSAGES[request.get("locale", "en")]
    risks, probabilities, explained = [], [], []
    for customer in request["data"]:
        high = _probability_high(customer)
        label = "high" if high >= 0.5 else "low"
        risks.append(label)
        probabilities.append([round(1 - high, 6), round(high, 6)])
        explained.append(messages[label])
    return {"risk": risks, "probabilities": probabilities, "messages": explained}
