import json


def init():
    pass


def run(raw_data):
    data = json.loads(raw_data)
    raise ValueError(f"cannot score {data!r}")
