import json
import logging


def init():
    logging.info("Init complete")


def run(raw_data):
    data = json.loads(raw_data)["data"]
    return {"count": len(data)}
