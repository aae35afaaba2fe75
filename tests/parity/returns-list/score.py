def init():
    pass


def run(raw_data):
    return [raw_data, 1, 2.5, None, True]
