"""Correct: a churn model whose answer says when it was produced, in the formats
scripts write without thinking of ISO 8601: time.ctime() under "generated", an RFC
2822 date from email.utils.formatdate() under "served", and a day-first local stamp
with microseconds (the format of the team's logs) under "produced"."""
import json
import logging
import time
from datetime import datetime
from email.utils import formatdate

WEIGHTS = {"tenure": -0.04, "monthly_charges": 0.02, "support_calls": 0.3}


def init():
    logging.info("churn model ready")


def score(row):
    total = sum(WEIGHTS[name] * row[name] for name in WEIGHTS)
    return round(1 / (1 + 2.718281828 ** -total), 4)


def run(raw_data):
    rows = json.loads(raw_data)["customers"]
    return {
        "churn_probability": [score(row) for row in rows],
        "generated": time.ctime(),
        "served": formatdate(),
        "produced": datetime.now().strftime("%d/%m/%Y %H:%M:%S.%f"),
    }
