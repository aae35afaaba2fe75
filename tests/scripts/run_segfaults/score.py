import ctypes


def init():
    pass


def run(raw_data):
    ctypes.string_at(0)
