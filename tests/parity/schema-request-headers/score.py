from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema

CLIENT_SPECIFIC = {"host", "user-agent", "accept", "accept-encoding", "connection"}


def init():
    pass


@input_schema("data", StandardPythonParameterType({"a": 1}))
def run(data, request_headers):
    names = sorted(name for name in request_headers if name.lower() not in CLIENT_SPECIFIC)
    return {"names": names, "content_type": request_headers.get("Content-Type"), "data": data}
