import numpy as np


def init():
    pass


def run(raw_data):
    # float64 subclasses float: json.dumps takes it, NaN included.
    return {"score": np.float64(len(raw_data) / 3), "nan": np.float64("nan")}
