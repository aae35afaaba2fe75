from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


# optional=True only shapes the swagger: the server still demands "opt" (400).
@input_schema("data", StandardPythonParameterType({"a": 1}))
@input_schema("opt", StandardPythonParameterType(5), optional=True)
def run(data, opt):
    return {"data": data, "opt": opt}
