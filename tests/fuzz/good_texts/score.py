"""Correct: any text, ASCII or not, and a 4xx-style error for invalid input."""
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema, output_schema


def init():
    pass


@input_schema("texts", StandardPythonParameterType(["great product", "never again"]))
@output_schema(StandardPythonParameterType([0.5]))
def run(texts):
    if not isinstance(texts, list):
        raise ValueError("texts must be a list")
    return [min(len(t.encode("utf-8")) / 100, 1.0) for t in texts]
