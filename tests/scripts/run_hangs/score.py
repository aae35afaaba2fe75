import json
import time


def init():
    pass


def run(raw_data):
    if json.loads(raw_data).get("slow"):
        while True:
            time.sleep(0.05)
    return "ok"
