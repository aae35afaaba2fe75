"""The comparison of two versions of a script, and of a script with production: a kind of run of the pipeline.

A comparison run is an online run of the new version (every online check, its own exploration) with more bodies and
more checks: the old version (``--score-baseline``) runs in a worker of its own, with its own model and environment,
and is sent the same bodies; production's recorded requests (``--score-traffic``) go to both. Each body's answers
are compared (:mod:`.answers`) and judged by ``answers_match_the_baseline``, ``contract_is_backward_compatible``
and ``answers_match_production`` (:mod:`.checks`).

It sits above :mod:`score_contract.online` in the layers, not beside it: it is an online run of two scripts, and
reuses the online run (its worker, its exploration, its checks and their failure text) rather than copying it.
"""
