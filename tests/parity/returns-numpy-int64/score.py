import numpy as np


def init():
    pass


def run(raw_data):
    return np.int64(len(raw_data))
