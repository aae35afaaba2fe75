"""BROKEN: np.squeeze turns a batch of one row into a 1-d array, which the model refuses."""
import numpy as np
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.schema_decorators import input_schema

WEIGHTS = np.array([0.5, -0.25, 1.0])


def init():
    pass


@input_schema("data", NumpyParameterType(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])))
def run(data):
    rows = np.squeeze(data)
    if rows.ndim != 2:
        raise ValueError(f"expected a 2-d batch, got shape {rows.shape}")
    return {"scores": (rows @ WEIGHTS).tolist()}
