"""Correct: the answer carries the second it was scored in (time.strftime). Two
requests in a row usually get the same value; later ones do not."""

import json
import time


def init():
    pass


def run(raw_data):
    values = json.loads(raw_data)["values"]
    return {"total": sum(values), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
