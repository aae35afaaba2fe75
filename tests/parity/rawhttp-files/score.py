"""A @rawhttp script that takes uploads the way the binary-payloads sample does:
request.files, request.form, request.args, a 422 without a file, 405 for GET."""
import hashlib
import json

from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


@rawhttp
def run(request: AMLRequest):
    if request.method == "GET":
        return AMLResponse(f"GET is not supported (args: {sorted(request.args.items())})", 405)
    if request.method != "POST":
        return AMLResponse(f"{request.method} says hello", 200)
    files = request.files.getlist("file")
    if not files:
        raw = request.get_data()
        return AMLResponse(
            json.dumps({"raw": len(raw), "sha": hashlib.sha256(raw).hexdigest()[:12], "key": request.headers.get("X-Api-Key")}),
            422,
        )
    upload = files[0]
    data = upload.read()
    answer = {
        "filename": upload.filename,
        "mimetype": upload.mimetype,
        "size": len(data),
        "form": dict(request.form),
        "key": request.headers.get("X-Api-Key"),
    }
    return AMLResponse(answer, 200, json_str=True)
