"""Correct: the MLflow no-code scoring script's contract. Its parameter type has no
sample (the swagger example is {}), so only the user's sample bodies say what a
request looks like; nothing may be generated for input_data."""
import pandas as pd
from inference_schema.parameter_types.abstract_parameter_type import AbstractParameterType
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema


class NoSampleParameterType(AbstractParameterType):
    def __init__(self):
        super(NoSampleParameterType, self).__init__(None)

    def deserialize_input(self, input_data):
        return input_data

    def input_to_swagger(self):
        return {"type": "object", "example": {}}


def init():
    global weights
    weights = {"sepal_length": 0.4, "petal_length": 1.1}


@input_schema("input_data", NoSampleParameterType())
@input_schema("params", StandardPythonParameterType({"threshold": 0.5}), optional=True)
def run(input_data, params=None):
    frame = pd.DataFrame(data=input_data["data"], columns=input_data["columns"], index=input_data["index"])
    scores = sum(frame[column] * weight for column, weight in weights.items())
    threshold = (params or {}).get("threshold", 0.5)
    return [{"score": float(s), "flag": bool(s > threshold * 10)} for s in scores]
