from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import output_schema


def init():
    pass


# Only @output_schema: the server still counts run() as decorated and parses the
# body as JSON, passing body["data"] (not the raw text).
@output_schema(StandardPythonParameterType({"received": "x"}))
def run(data):
    return {"received": data}
