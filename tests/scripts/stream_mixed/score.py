"""A script whose samples decide what run() does: answer, print, end the worker, or hang.

Sent together in one stream, each body must come back with its own outcome and its own
printed lines, and the bodies after one that ended the worker must reach a replacement.
"""

import json
import os
import time


def init():
    pass


def run(raw_data):
    data = json.loads(raw_data)["data"]
    print(f"handling {data}")
    if data == "exit":
        os._exit(3)
    if data == "hang":
        while True:
            time.sleep(0.05)
    return {"echo": data, "pid": os.getpid()}
