import flask


def init():
    pass


def run(raw_data):
    return flask.Response("x", headers={"X-Trace": "a\x01b"})
