"""Correct itself; its requirements.txt names a package that does not exist."""

import json


def init():
    pass


def run(raw_data):
    return json.loads(raw_data)
