import json

from azureml.contrib.services.aml_request import rawhttp
from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


@rawhttp
def run(request):
    data = request.get_json(silent=True) or {}
    if "id" not in data:
        return AMLResponse(json.dumps({"error": "unknown id"}), 404, {"Content-Type": "application/json"})
    return AMLResponse(json.dumps({"id": data["id"]}), 200, {"Content-Type": "application/json"})
