from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


# A Python default is what the server passes when the key is missing.
@input_schema("data", StandardPythonParameterType({"a": 1}))
@input_schema("opt", StandardPythonParameterType(5))
def run(data, opt=7):
    return {"data": data, "opt": opt}
