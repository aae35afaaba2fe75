def init():
    pass


def run(raw_data):
    return len(raw_data)
