"""BROKEN: treats a malformed body as fatal and exits the process."""
import json
import sys


def init():
    pass


def run(raw_data):
    try:
        body = json.loads(raw_data)
    except ValueError:
        print("fatal: malformed request", file=sys.stderr)
        sys.exit(1)
    return {"keys": sorted(body) if isinstance(body, dict) else []}
