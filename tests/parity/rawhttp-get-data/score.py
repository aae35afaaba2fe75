import json

from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


@rawhttp
def run(request: AMLRequest):
    data = request.get_data()
    payload = {
        "method": request.method,
        "length": len(data),
        "text": data.decode("utf-8", "replace"),
        "content_type": request.content_type,
        "mimetype": request.mimetype,
        "path": request.path,
    }
    return AMLResponse(json.dumps(payload), 200, {"Content-Type": "application/json"})
