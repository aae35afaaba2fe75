"""BROKEN: one bad request flips a global flag, and every answer after it changes."""
import json

state = {"degraded": False}


def init():
    state["degraded"] = False


def run(raw_data):
    try:
        rows = json.loads(raw_data)["data"]
        total = sum(rows)
    except Exception:
        state["degraded"] = True
        raise
    return {"total": total, "mode": "fallback" if state["degraded"] else "model"}
