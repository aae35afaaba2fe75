#: Headers whose presence or value depends on the HTTP client, not on the server.
CLIENT_SPECIFIC = {"host", "user-agent", "accept", "accept-encoding", "connection"}


def init():
    pass


def run(raw_data, request_headers):
    names = sorted(name for name in request_headers if name.lower() not in CLIENT_SPECIFIC)
    return {"names": names, "content_type": request_headers.get("Content-Type"), "data": raw_data}
