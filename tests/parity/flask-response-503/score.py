import flask


def init():
    pass


def run(raw_data):
    # A 5xx without x-ms-run-function-failed: the server adds it as True.
    return flask.Response("busy", 503)
