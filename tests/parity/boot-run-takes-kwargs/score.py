def init():
    pass


def run(raw_data, **kwargs):
    return raw_data
