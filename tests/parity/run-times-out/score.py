import time


def init():
    pass


def run(raw_data):
    if "sleep" in raw_data:
        time.sleep(10)
    return {"slept": False}
