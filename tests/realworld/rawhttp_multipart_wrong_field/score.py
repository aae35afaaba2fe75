"""Broken: the binary-payloads multi-file sample's shape. Clients upload files as
multipart/form-data (field "file"), but run() reads request.files["image"], the field
name of an older client: werkzeug raises BadRequestKeyError, the server answers 500."""
from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


@rawhttp
def run(req: AMLRequest):
    files = [req.files["image"]]
    threshold = float(req.args.get("threshold", "0.5"))
    sizes = [{"name": f.filename, "bytes": len(f.read())} for f in files]
    return {"response": sizes, "threshold": threshold, "client": req.headers.get("X-Client", "unknown")}
