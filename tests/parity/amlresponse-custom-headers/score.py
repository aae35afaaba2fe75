from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


def run(raw_data):
    # Header values are split on commas: X-A is sent twice, "a" and "b".
    return AMLResponse("x", 200, {"Content-Type": "application/json", "X-A": "a,b", "X-Run": "1"})
