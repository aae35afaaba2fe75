import flask


def init():
    pass


def run(raw_data):
    def chunks():
        raise RuntimeError("the model crashed before the first token")
        yield "never"

    # Iterated by gunicorn after the Flask app returned: nothing sent yet, so
    # gunicorn answers its own HTML 500.
    return flask.Response(chunks())
