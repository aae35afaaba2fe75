from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


def run(raw_data):
    # Not json_str=True: werkzeug iterates the dict, so only its keys are sent.
    return AMLResponse({"alpha": 1, "beta": 2}, 200)
