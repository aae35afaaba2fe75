import flask


def init():
    pass


def run(raw_data):
    # The one hop-by-hop header gunicorn passes on.
    return flask.Response("x", headers={"Upgrade": "websocket"})
