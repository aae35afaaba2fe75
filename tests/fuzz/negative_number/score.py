"""BROKEN: log-transforms a feature that the API allows to be negative."""
import math

from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


@input_schema("income", StandardPythonParameterType(52000.0))
@input_schema("age", StandardPythonParameterType(41))
def run(income, age):
    return {"score": math.log(income) * 0.1 + age * 0.01}
