"""A model whose time grows with the batch: fine for a few rows, slow for large batches.

Correct under a generous latency budget; over a tight one, the slowest (largest) batch says why.
"""

import time

from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema, output_schema


def init():
    global weights
    weights = [0.5, -0.25, 2.0]


@input_schema("data", StandardPythonParameterType([[1.0, 2.0, 3.0]]))
@output_schema(StandardPythonParameterType({"predictions": [1.0]}))
def run(data):
    predictions = []
    for row in data:
        time.sleep(0.004)  # a per-row feature lookup
        predictions.append(sum(w * x for w, x in zip(weights, row)))
    return {"predictions": predictions}
