"""Coverage of the script: which of its lines and branches the contract run reached (issue 8).

* ``tracing``: inside the worker — coverage.py started before the script is imported, saved as it goes;
* ``measurement``: the parent's side of one script — where its workers write, what they are asked to trace;
* ``results``: the data read back — percent with branches, what was never reached, the hint to a sample;
* ``checks``: ``bodies_cover_the_script`` (only with --score-cov-fail-under);
* ``reports``: coverage.py's own reporters (--score-cov-report), and the data handed to pytest-cov.

coverage.py is imported only when coverage is asked for; this package never imports pytest.
"""
