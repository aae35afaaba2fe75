import flask


def init():
    pass


def run(raw_data):
    def chunks():
        yield "str"
        yield "eam"

    return flask.Response(chunks())
