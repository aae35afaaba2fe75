from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


def run(raw_data):
    return AMLResponse("no such model", 404)
