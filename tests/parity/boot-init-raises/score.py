def init():
    raise RuntimeError("model file missing")


def run(raw_data):
    return raw_data
