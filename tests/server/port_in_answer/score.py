"""Answers with the port it believes it serves on: the in-process run and the real
server disagree, which is what server_answers_like_the_engine is for."""
import json
import os


def init():
    pass


def run(raw_data):
    return {"rows": len(json.loads(raw_data)["data"]), "port": os.environ.get("SERVER_PORT")}
