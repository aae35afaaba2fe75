import numpy as np
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


@input_schema("data", NumpyParameterType(np.array([[1.0, 2.0]])))
def run(data):
    return {"shape": list(data.shape), "dtype": str(data.dtype), "sum": float(data.sum())}
