import csv
from os.path import basename

import six


def init():
    global threshold
    threshold = 50


def run(mini_batch):
    print(f"Executing run method over batch of {len(mini_batch)} files.")
    results = []
    for path in mini_batch:
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        flagged = sum(1 for row in rows if int(row.get("age") or 0) > threshold)
        results.append(six.text_type(f"{basename(path)},{len(rows)},{flagged}"))
    return results
