import sys


def init():
    pass


def run(raw_data):
    sys.exit("done")
