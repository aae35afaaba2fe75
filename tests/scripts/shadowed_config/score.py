import config  # the server's own server/config.py comes first on sys.path


def init():
    global threshold
    threshold = config.THRESHOLD


def run(raw_data):
    return {"threshold": threshold}
