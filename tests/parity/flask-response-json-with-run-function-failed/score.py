import flask


def init():
    pass


def run(raw_data):
    # A 5xx that already says x-ms-run-function-failed: the server overwrites it.
    return flask.Response('{"error": "x"}', 502, {"x-ms-run-function-failed": "nope"}, mimetype="application/json")
