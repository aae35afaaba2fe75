from azureml.contrib.services.aml_request import rawhttp


def init():
    pass


@rawhttp
def run(request):
    # get_json() raises (415 / 400 HTTPExceptions) for a wrong type or bad JSON:
    # inside run() that is a run() failure, 500.
    body = request.get_json()
    return {"got": body, "is_json": request.is_json}
