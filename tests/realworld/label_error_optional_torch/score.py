"""Correct: a log-line severity classifier whose classes are "info", "warning" and
"error". init() tries the optional torch backend (the GPU image has it) and falls back
to numpy when the import fails, as multi-image scripts do. The answer's label "error"
is a prediction, not a hidden failure, and init()'s ImportError is no cause of anything."""
import json
import logging
import re

import numpy as np

CLASSES = ["info", "warning", "error"]
VOCABULARY = ["failed", "exception", "timeout", "retry", "slow", "deprecated", "started", "ok", "done"]
WEIGHTS = np.array(
    [
        [-1.0, -1.0, -0.5, -0.2, -0.3, -0.2, 1.0, 1.2, 1.0],
        [0.2, 0.1, 0.8, 1.2, 1.0, 1.1, -0.2, -0.5, -0.3],
        [2.0, 2.2, 1.0, 0.3, 0.1, -0.2, -0.5, -1.0, -0.8],
    ]
)


def init():
    global backend
    try:
        import torch  # noqa: F401 - only present on the GPU image

        backend = "torch"
    except ImportError:
        logging.warning("torch is not installed: scoring with numpy")
        backend = "numpy"


def features(line):
    words = re.findall(r"[a-z]+", line.lower())
    return np.array([words.count(term) for term in VOCABULARY], dtype=float)


def run(raw_data):
    lines = json.loads(raw_data)["lines"]
    if not lines:
        return {"labels": [], "confidence": []}
    scores = np.stack([features(line) for line in lines]) @ WEIGHTS.T
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    best = probabilities.argmax(axis=1)
    return {
        "labels": [CLASSES[i] for i in best],
        "confidence": [round(float(p), 3) for p in probabilities.max(axis=1)],
    }
