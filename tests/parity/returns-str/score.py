def init():
    pass


def run(raw_data):
    # The body text as it came: JSON bodies come back encoded a second time.
    return raw_data
