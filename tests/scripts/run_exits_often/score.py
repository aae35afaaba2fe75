"""Broken: run() ends the worker process on any negative amount (a C extension's
abort, written here as os._exit), and the amounts the contract allows are often
negative, so the worker dies again and again."""

import json
import os


def init():
    pass


def run(raw_data):
    amount = json.loads(raw_data)["amount"]
    if amount < 0:
        os._exit(3)
    return {"doubled": amount * 2}
