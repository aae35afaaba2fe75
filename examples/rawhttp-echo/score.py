"""Echo a JSON request back, with full control over the HTTP response (@rawhttp).

POST /score with a JSON body -> 200 {"echo": <the body>, "bytes": <body size>, "content_type": ...}
GET /score                     -> 405, with an Allow: POST header
a body that is not JSON        -> 400 {"error": "..."}

With @rawhttp the server hands run() the Flask request object instead of the
body text, and passes an AMLResponse back unchanged: the script picks the
status code and headers itself. GET, POST and OPTIONS all reach run().
"""

import json

from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse

JSON_HEADERS = {"Content-Type": "application/json"}


def init():
    pass


def _error(status, message, headers=None):
    return AMLResponse(json.dumps({"error": message}), status, {**JSON_HEADERS, **(headers or {})})


@rawhttp
def run(request: AMLRequest):
    if request.method == "OPTIONS":
        # CORS preflight or a client discovering the endpoint: say what is allowed.
        return AMLResponse("", 204, {"Allow": "POST"})
    if request.method != "POST":
        return _error(405, f"{request.method} is not supported; POST a JSON body", {"Allow": "POST"})
    raw = request.get_data()
    try:
        # get_json(silent=True) would return None both for bad JSON and for a
        # body of `null`; decoding it ourselves tells the two apart.
        payload = json.loads(raw)
    except ValueError as exc:  # not UTF-8, or not JSON
        return _error(400, f"the body is not JSON: {exc}")
    reply = {"echo": payload, "bytes": len(raw), "content_type": request.content_type}
    # AMLResponse(str) sends the text as is: json.dumps it ourselves, and say it is JSON.
    return AMLResponse(json.dumps(reply), 200, JSON_HEADERS)
