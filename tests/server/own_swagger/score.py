"""A decorated script whose author keeps a swagger3.json of their own in the app root
(the server serves it instead of the one it generates). It was written for an older
version of the API: its example is no longer a valid body."""
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema


def init():
    pass


@input_schema("data", StandardPythonParameterType({"age": 41, "income": 52000.0}))
def run(data):
    return {"score": data["income"] / 1e6 + data["age"] / 100}
