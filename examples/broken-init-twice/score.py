# BROKEN ON PURPOSE — check: init_runs_once
#
# What is wrong: run() calls init() "to make sure the model is loaded". The
# server has already called init() once, when the worker started, before the
# first request. Calling it again from run() reloads the model on every request:
# with a real model that is seconds of latency per call (a managed endpoint
# answers 408 after 5 s), and a request that arrives while init() is rebuilding
# the globals can see them half-built.
#
# How to fix: delete the init() call from run(); the server's one call at boot
# is enough. Load everything a request needs in init().
"""Detect the language of short texts from stop-word counts.

Request:  {"data": ["text", ...]}
Response: {"languages": ["en" | "de" | "fr" | "unknown", ...]}
"""

import json

stop_words = None


def init():
    global stop_words
    # Stands in for loading a model from AZUREML_MODEL_DIR.
    stop_words = {
        "en": {"the", "and", "is", "of", "to", "in", "it", "you", "that", "was"},
        "de": {"der", "die", "und", "ist", "nicht", "das", "ich", "zu", "ein", "mit"},
        "fr": {"le", "la", "et", "est", "les", "des", "un", "une", "pas", "je"},
    }


def _detect(text):
    words = text.lower().split()
    counts = {lang: sum(w in vocabulary for w in words) for lang, vocabulary in stop_words.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else "unknown"


def run(raw_data):
    init()  # BUG: the server already called init() at boot, see the top of the file.
    texts = json.loads(raw_data)["data"]
    return {"languages": [_detect(text) for text in texts]}
