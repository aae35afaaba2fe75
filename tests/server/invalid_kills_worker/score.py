"""BROKEN: a malformed body ends the worker process; gunicorn then starts a new one."""
import json
import os


def init():
    pass


def run(raw_data):
    try:
        body = json.loads(raw_data)
    except ValueError:
        os._exit(1)
    return {"keys": sorted(body) if isinstance(body, dict) else []}
