"""Broken: the same custom AbstractParameterType, but run() trusts deserialize_input to
have made an ndarray. inference-schema never calls it (sample_data_type is object, and
every value is an object), so run() gets a list: AttributeError on its own sample."""
import numpy as np
from inference_schema.parameter_types.abstract_parameter_type import AbstractParameterType
from inference_schema.schema_decorators import input_schema


class MyParameterType(AbstractParameterType):
    def __init__(self, sample_input):
        self.sample_input = sample_input
        self.sample_data_type = object  # "Prevent parsing the list as individual types"

    def deserialize_input(self, input_data):
        return np.array(input_data)

    def input_to_swagger(self):
        return {"type": "array", "items": {"type": "number"}, "example": self.sample_input}


param_input_iris = MyParameterType([1.0, 2.0, 3.0, 4.0])


def init():
    global centroids
    centroids = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])


@input_schema(param_name="iris", param_type=param_input_iris)
def run(iris):
    measurements = iris.reshape(-1, 4).astype(float)
    distances = ((measurements[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return {"species": distances.argmin(axis=1).tolist()}
