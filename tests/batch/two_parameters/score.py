"""Broken: run() wants a second argument (a partition context) that the runtime passes
only to partitioned parallel jobs; a batch deployment calls run(mini_batch)."""


def init():
    pass


def run(mini_batch, mini_batch_context):
    return [str(path) for path in mini_batch]
