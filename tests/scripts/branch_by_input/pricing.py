"""A local module of branch_by_input/score.py."""


def seats_price(price, seats):
    if isinstance(seats, (int, float)) and seats > 100:
        return price * seats * 0.8
    return price * seats if isinstance(seats, (int, float)) else price
