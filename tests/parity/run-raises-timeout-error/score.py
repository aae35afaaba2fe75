import socket


def init():
    pass


def run(raw_data):
    # A downstream call that times out: socket.timeout is TimeoutError, which the
    # server reports as its own scoring timeout.
    raise socket.timeout("the feature store did not answer")
