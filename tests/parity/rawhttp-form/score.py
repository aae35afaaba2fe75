from azureml.contrib.services.aml_request import rawhttp


def init():
    pass


@rawhttp
def run(request):
    return {"form": request.form.to_dict(), "data": request.get_data(as_text=True)}
