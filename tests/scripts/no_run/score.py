def init():
    pass


def score(raw_data):
    return raw_data
