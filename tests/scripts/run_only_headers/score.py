def init():
    pass


def run(request_headers):
    return dict(request_headers)
