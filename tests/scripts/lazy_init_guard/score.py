"""A guard that would init() lazily never fires: the server already called init()."""
import json

model = None


def init():
    global model
    model = {"bias": 1}


def run(raw_data):
    if model is None:
        init()
    return [x + model["bias"] for x in json.loads(raw_data)["data"]]
