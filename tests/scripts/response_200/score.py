import json

from azureml.contrib.services.aml_request import rawhttp
from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


@rawhttp
def run(request):
    if request.method != "POST":
        return AMLResponse("POST only", 405)
    data = request.get_json()
    return AMLResponse(json.dumps({"echo": data}), 200, {"Content-Type": "application/json"})
