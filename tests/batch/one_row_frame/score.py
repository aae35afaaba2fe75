"""Broken: squeeze() turns a DataFrame of one row into a Series, which has no itertuples():
a mini-batch of one row fails (the last, partial mini-batch of a tabular input can be one
row), while the whole sample passes."""


def init():
    pass


def run(mini_batch):
    rows = mini_batch.squeeze()
    return [f"{row.petal_length:.1f}" for row in rows.itertuples()]
