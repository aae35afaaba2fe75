"""inference-schema refuses a body of the wrong shape before run() sees it: not the script's fault."""
import numpy as np
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


@input_schema("data", NumpyParameterType(np.array([[1.0, 2.0]])))
def run(data):
    return {"sums": data.sum(axis=1).tolist()}
