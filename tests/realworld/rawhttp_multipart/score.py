"""Correct: the binary-payloads multi-file sample's shape. Clients upload files as
multipart/form-data (field "file"); run() answers each file's name and size, and 422
when no file came."""
from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


@rawhttp
def run(req: AMLRequest):
    files = req.files.getlist("file")
    if not files:
        return AMLResponse("No file uploaded", status_code=422)
    threshold = float(req.args.get("threshold", "0.5"))
    sizes = [{"name": f.filename, "bytes": len(f.read())} for f in files]
    return {"response": sizes, "threshold": threshold, "client": req.headers.get("X-Client", "unknown")}
