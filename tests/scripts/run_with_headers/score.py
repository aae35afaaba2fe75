"""run() may ask for the request headers besides its input."""


def init():
    pass


def run(raw_data, request_headers):
    return {"content_type": request_headers.get("Content-Type"), "length": len(raw_data)}
