import json
import os


def init():
    pass


def run(raw_data):
    if json.loads(raw_data).get("bye"):
        print("leaving now")
        os._exit(1)
    return "ok"
