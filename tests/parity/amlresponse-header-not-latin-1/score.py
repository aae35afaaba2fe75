from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


def run(raw_data):
    # Fine for werkzeug; gunicorn cannot send it and answers its own HTML 500.
    return AMLResponse("x", 200, {"X-Model": "modèle 模型"})
