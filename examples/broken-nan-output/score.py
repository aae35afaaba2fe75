# BROKEN ON PURPOSE — check: output_is_strict_json
#
# What is wrong: a sensor that sent no readings in the window gets
# float("nan") as its average. The server's json.dumps writes that as the bare
# token NaN, and answers 200 — but NaN is not JSON: JSON.parse in a browser,
# Java's Jackson, Go's encoding/json and every other strict client reject the
# whole response, not just that one value.
#
# How to fix: send null (None in Python) for "no value", and skip it in the alerts:
#     averages.append(sum(readings) / len(readings) if readings else None)
#     "alerts": [a is not None and a > ALERT_ABOVE_CELSIUS for a in averages]
"""Average each sensor's temperature readings over the last window.

Request:  {"data": [[reading, ...], ...]}   one list of readings (°C) per sensor
Response: {"averages": [float, ...], "alerts": [bool, ...]}   one entry per sensor
"""

import json

ALERT_ABOVE_CELSIUS = 75.0


def init():
    pass


def run(raw_data):
    sensors = json.loads(raw_data)["data"]
    averages = []
    for readings in sensors:
        # BUG: NaN for a sensor with no readings, see the top of the file.
        averages.append(sum(readings) / len(readings) if readings else float("nan"))
    # NaN > x is False, so a silent sensor never raises an alert.
    return {"averages": averages, "alerts": [a > ALERT_ABOVE_CELSIUS for a in averages]}
