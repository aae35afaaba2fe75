def init():
    pass


def run(raw_data):
    return {"labels": {"a", "b"}}
