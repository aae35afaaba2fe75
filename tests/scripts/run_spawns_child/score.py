"""Leaves a child process behind; score-contract must stop it with the worker's process group."""
import os
import subprocess


def init():
    pass


def run(raw_data):
    child = subprocess.Popen(["sleep", "300"])
    with open(os.path.join(os.path.dirname(__file__), "child.pid"), "w") as f:
        f.write(str(child.pid))
    return {"child": "started"}
