"""Inside the worker: coverage.py measuring the script, from before its import to the worker's end.

Worker-side code: the standard library only, apart from coverage.py itself (imported only when
the parent asks for coverage), and it runs on Python 3.8+ (a deployment's environment may ask
for an older Python than ours).

What the parent sends (JSON, the worker's fourth argument): the data file, the files to trace
(``include``: the app root and the script's folder) and not (``omit``: installed packages,
score-contract itself), and a folder to import coverage.py from when the environment's Python
lacks it (see score_contract.coverage.measurement).

* ``include``, not ``source``: ``source`` would also report every .py file under the app root
  that was never imported (a test folder, a notebook export) as 0 %; the script's local modules
  are the files it imports, and only those count.
* ``branch=True``: an unreached branch of run() is an input nobody sent.
* coverage.py picks its own core (its C tracer before 3.12): the worker's caught-exception
  watcher (score_contract.serving.caught) sets no trace function of its own since issue 22.
* ``config_file=False``: the app root's own .coveragerc (written for the project's tests, with
  its own ``source``) must not decide what the gate measures; ``# pragma: no cover`` still works.
* Saved at most every SAVE_EVERY seconds after a command and at the worker's end: a worker
  that is killed (a hang, a segfault) loses at most the lines of its last second.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

#: Seconds between two saves of the data while the worker runs.
SAVE_EVERY = 1.0
#: Why the worker could not measure, for the parent (a name coverage.py's combine never reads).
NOT_MEASURED = "not-measured.txt"


class Tracing:
    def __init__(self, coverage: Any) -> None:
        self.coverage = coverage
        self.saved = time.monotonic()

    def after_command(self) -> None:
        if time.monotonic() - self.saved >= SAVE_EVERY:
            self.save()

    def save(self) -> None:
        self.coverage.save()
        self.saved = time.monotonic()

    def finish(self) -> None:
        self.coverage.stop()
        self.coverage.save()


def start(request_text: str) -> Tracing | None:
    """Start measuring; None (and a note in NOT_MEASURED beside the data file) when coverage.py
    cannot be imported or started in this interpreter."""
    request = json.loads(request_text)
    data_file = request["data_file"]
    try:
        coverage = _import(request.get("import_from") or "")
        cov = coverage.Coverage(
            data_file=data_file,
            data_suffix=True,
            branch=True,
            include=request["include"],
            omit=request["omit"],
            config_file=False,
        )
        cov.start()
    except Exception as exc:  # an old coverage.py, a broken install: the run goes on unmeasured
        with open(os.path.join(os.path.dirname(data_file), NOT_MEASURED), "w") as note:
            note.write(f"{type(exc).__name__}: {exc}")
        return None
    return Tracing(cov)


def _import(folder: str) -> Any:
    """coverage.py: this interpreter's own, else the one in ``folder`` (which holds nothing else),
    which leaves sys.path again before the script is imported."""
    try:
        import coverage
    except ImportError:
        if not folder:
            raise
        sys.path.insert(0, folder)
        try:
            import coverage
        finally:
            sys.path.remove(folder)
    return coverage
