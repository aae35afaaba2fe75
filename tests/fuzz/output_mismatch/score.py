"""BROKEN: @output_schema promises a list of numbers; for long texts run() returns a dict."""
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema, output_schema


def init():
    pass


@input_schema("texts", StandardPythonParameterType(["short text"]))
@output_schema(StandardPythonParameterType([0.5]))
def run(texts):
    if any(len(t) > 20 for t in texts):
        return {"error": "text too long"}
    return [len(t) / 20 for t in texts]
