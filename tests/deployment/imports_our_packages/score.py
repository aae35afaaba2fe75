"""Imports packages that score-contract itself depends on, which its requirements.txt does not
install: in the environment they must be missing, as they are in the container."""

import json

import hypothesis  # noqa: F401


def init():
    pass


def run(raw_data):
    return json.loads(raw_data)
