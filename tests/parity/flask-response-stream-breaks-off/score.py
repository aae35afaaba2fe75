import flask


def init():
    pass


def run(raw_data):
    def chunks():
        yield "first token, "
        raise RuntimeError("the model crashed mid-stream")

    # gunicorn sent the 200 and its headers with the first chunk: it can only
    # cut the connection, and the client gets a body that breaks off.
    return flask.Response(chunks())
