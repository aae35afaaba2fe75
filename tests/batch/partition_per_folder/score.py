"""Correct, in the shape of the ParallelRunStep partition-per-folder sample
(MachineLearningNotebooks, parallel-run/Code/total_file_size.py): run() takes the
mini_batch_context the driver passes to a two-parameter run(), and writes each file's size
with the mini-batch's partition (its partition_key_value["user"]). score-contract knows no
partition keys of file inputs: what fails on reading one is a warning."""

import os


def init():
    print("Init")


def run(mini_batch, mini_batch_context):
    print(f"mini-batch {mini_batch_context.minibatch_index}: {mini_batch_context.partition_key_value}")
    total = sum(os.path.getsize(path) for path in mini_batch)
    user = mini_batch_context.partition_key_value["user"]
    return [",".join([os.path.basename(path), str(os.path.getsize(path)), user, str(total)]) for path in mini_batch]
