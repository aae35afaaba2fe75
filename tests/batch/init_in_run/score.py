"""Broken: run() calls init() on every mini-batch, loading the model again each time."""

import os

model = None


def init():
    global model
    model = {"loaded": True}


def run(mini_batch):
    init()
    return [f"{os.path.basename(path)}: {model['loaded']}" for path in mini_batch]
