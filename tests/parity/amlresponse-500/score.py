from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


def run(raw_data):
    return AMLResponse("model unavailable", 500, {"X-A": "a,b", "Retry-After": "5"})
