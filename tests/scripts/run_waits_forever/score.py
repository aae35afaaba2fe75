"""Blocks in run() until it is killed (used to interrupt a session)."""
import os
import time


def init():
    pass


def run(raw_data):
    with open(os.environ["SCORE_CONTRACT_TEST_MARKER"], "w") as f:
        f.write(str(os.getpid()))
    time.sleep(600)
