def init():
    pass


def run(raw_data):
    return ("a", 1, len(raw_data))
