from decimal import Decimal


def init():
    pass


def run(raw_data):
    return {"price": Decimal("1.5")}
