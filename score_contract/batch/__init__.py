"""Batch scoring scripts: ``init()`` once per process, then ``run(mini_batch)`` with a
list of file paths (batch endpoints, parallel jobs, ParallelRunStep) or a pandas
DataFrame (tabular inputs), returning a list or a DataFrame that the runtime appends
to its output file.

The layers, as for online scripts: :mod:`.kind` tells a batch script from an online
one without importing it; :mod:`.runtime` holds what the batch runtime does (the
facts, with their sources) as pure functions; :mod:`.configured` decides how the
runtime is set up for one script (its deployment spec, the options);
:mod:`.minibatches` makes the mini-batches from the user's sample files;
:mod:`.driver` calls the script inside the worker process as the runtime's driver
does, with a :mod:`.context` for a two-parameter run(); :mod:`.checks` are the
contract sentences; :mod:`.runner` gathers the evidence, :mod:`.verdicts` judges it
and :mod:`.report` words a failure.
"""
