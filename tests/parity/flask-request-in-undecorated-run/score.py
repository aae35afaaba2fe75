import flask


def init():
    pass


def run(raw_data):
    # The server calls run() inside its request: flask.request is this request.
    return {"method": flask.request.method, "content_type": flask.request.content_type, "path": flask.request.path}
