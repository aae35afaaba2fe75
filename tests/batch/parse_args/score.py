"""Broken: init() parses its arguments with parse_args(), which exits on the batch
driver's own arguments (--client_sdk_version, --mini_batch_size, ...)."""

import argparse
import os


def init():
    global threshold
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    threshold = args.threshold


def run(mini_batch):
    return [f"{os.path.basename(path)}: {threshold}" for path in mini_batch]
