from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema, output_schema


def init():
    pass


@input_schema("data", StandardPythonParameterType({"a": 1, "b": "x"}))
@output_schema(StandardPythonParameterType({"received": {"a": 1, "b": "x"}}))
def run(data):
    return {"received": data}
