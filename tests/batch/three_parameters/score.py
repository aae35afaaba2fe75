"""Broken: run() wants a third argument, which the driver never passes: it calls
run(mini_batch), or run(mini_batch, mini_batch_context)."""


def init():
    pass


def run(mini_batch, mini_batch_context, threshold):
    return [str(path) for path in mini_batch]
