def init():
    pass


def run(raw_data):
    raise SystemExit(0)
