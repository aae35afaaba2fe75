import json


def init():
    pass


def run(raw_data):
    return json.dumps({"echo": json.loads(raw_data)})
