model = None


def init():
    global model
    model = "loaded"


init()  # the server calls init() itself after the import


def run(raw_data):
    return model
