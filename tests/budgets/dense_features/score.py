"""A scorer that expands each row into a dense one-hot block: its memory grows with the batch.

Correct on its own; over a memory budget, the largest batch is the one that breaks it.
"""

import numpy as np
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema

VOCABULARY = 250_000


def init():
    global weights
    weights = np.linspace(-1.0, 1.0, VOCABULARY)


@input_schema("data", StandardPythonParameterType([[1.0, 2.0, 3.0]]))
def run(data):
    rows = np.zeros((len(data), VOCABULARY))  # 2 MB a row, written below: resident
    for i, row in enumerate(data):
        rows[i, :] = sum(row)
    return {"scores": (rows @ weights).tolist()}
