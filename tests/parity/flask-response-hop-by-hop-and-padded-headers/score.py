import flask


def init():
    pass


def run(raw_data):
    # gunicorn drops the connection's own headers and trims blanks from values.
    headers = {
        "X-Pad": "  padded\t",
        "Keep-Alive": "timeout=5",
        "Trailers": "X-Checksum",
        "TE": "trailers",
        "Upgrade": "h2c",
        "Proxy-Authenticate": "Basic",
        "X-Kept": "1",
    }
    return flask.Response("x", headers=headers)
