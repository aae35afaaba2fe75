from azureml.contrib.services.aml_request import rawhttp
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


@rawhttp
@input_schema("data", StandardPythonParameterType({"a": 1}))
def run(data):
    return data
