def init():
    pass


def run(raw_data):
    return {"nan": float("nan"), "inf": float("inf"), "minus_inf": float("-inf"), "list": [float("nan")]}
