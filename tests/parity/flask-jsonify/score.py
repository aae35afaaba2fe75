from flask import jsonify


def init():
    pass


def run(raw_data):
    # jsonify needs the app context the server's request runs in.
    return jsonify({"length": len(raw_data), "items": [1, 2]})
