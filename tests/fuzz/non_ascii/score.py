"""BROKEN: encodes the text as ASCII for a legacy tokenizer."""
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


@input_schema("texts", StandardPythonParameterType(["great product", "never again"]))
def run(texts):
    return {"lengths": [len(t.encode("ascii")) for t in texts]}
