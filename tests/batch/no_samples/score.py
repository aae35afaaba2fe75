"""A batch script without samples: nothing can be sent, and the gate must say so."""


def init():
    pass


def run(mini_batch):
    return list(mini_batch)
