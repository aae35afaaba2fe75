import time


def init():
    pass


def run(raw_data):
    if "sleep" in raw_data:
        try:
            time.sleep(10)
        except Exception as exc:  # the server's TimeoutError lands here
            return {"swallowed": type(exc).__name__}
    return {"slept": False}
