"""Correct: a batch of one row stays 2-d."""
import numpy as np
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.schema_decorators import input_schema, output_schema

WEIGHTS = np.array([0.5, -0.25, 1.0])


def init():
    pass


@input_schema("data", NumpyParameterType(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])))
@output_schema(NumpyParameterType(np.array([0.5, 1.5])))
def run(data):
    return (np.atleast_2d(data) @ WEIGHTS).tolist()
