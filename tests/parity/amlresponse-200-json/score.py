import json

from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


def run(raw_data):
    return AMLResponse(json.dumps({"length": len(raw_data)}), 200, {"Content-Type": "application/json"})
