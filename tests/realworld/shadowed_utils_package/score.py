"""Broken by its layout: a sentiment scorer whose text cleaning lives in a local utils
package (utils/text.py), as project templates lay code out. The server puts its own
server/ folder, which holds a utils.py, before the app root on sys.path: `from
utils.text import ...` finds the server's module, and the import fails with "'utils' is
not a package" before init() ever runs."""
import json
import logging

from utils.text import normalise, tokens

POSITIVE = {"good", "great", "excellent", "love", "fast"}
NEGATIVE = {"bad", "slow", "broken", "hate", "refund"}


def init():
    logging.info("sentiment lexicon ready: %d words", len(POSITIVE | NEGATIVE))


def run(raw_data):
    texts = json.loads(raw_data)["texts"]
    scores = []
    for text in texts:
        words = tokens(normalise(text))
        score = sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)
        scores.append({"label": "positive" if score > 0 else "negative" if score < 0 else "neutral", "score": score})
    return {"predictions": scores}
