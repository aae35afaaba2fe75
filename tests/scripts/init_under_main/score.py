"""Calling init() under __main__ is fine: the server never runs that block."""
model = None


def init():
    global model
    model = "loaded"


def run(raw_data):
    return model


if __name__ == "__main__":
    init()
    print(run("{}"))
