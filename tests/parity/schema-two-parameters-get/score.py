from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


@input_schema("count", StandardPythonParameterType(1))
@input_schema("label", StandardPythonParameterType("x"))
def run(label, count):
    return {"label": label, "count": count}
