"""Correct itself; its requirements.txt forgets the inference server."""

import json

import six  # noqa: F401


def init():
    pass


def run(raw_data):
    return json.loads(raw_data)
