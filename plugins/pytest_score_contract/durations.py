"""How long each script's checks took, kept in pytest's cache for the next run's xdist scheduler (issue 22).

Under ``-n`` a run lasts as long as its busiest xdist worker. Handing out the longest scripts first, and the
short ones last to whichever worker is free, keeps the workers' ends close together (the longest-processing-
time-first rule of list scheduling); a long script handed out last would end the run alone. Where the times
are kept: pytest's cache (``config.cache``, ``.pytest_cache``), which is where pytest keeps what one run learns
for the next (``--lf``, ``--nf``) and what ``--cache-clear`` empties; without the cache plugin
(``-p no:cacheprovider``) nothing is kept and the scripts go in the order given. A script's entry is replaced
by each run that ran it to the end; the entries of scripts a run did not check are kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

#: The cache key: {script node id ("services/churn/score.py"): seconds its checks took}.
KEY = "score_contract/durations"


def known(config: pytest.Config) -> dict[str, float]:
    """Each script's duration from the cache (empty without the cache plugin, or when it holds nothing usable)."""
    cache = getattr(config, "cache", None)
    found = cache.get(KEY, {}) if cache is not None else {}
    if not isinstance(found, dict):
        return {}
    return {str(k): float(v) for k, v in found.items() if isinstance(v, int | float)}


class Durations:
    """Adds up each script's checks from their test reports (the workers' too, under xdist) and keeps the sums
    in the cache at the end: registered only where reports arrive and the cache can be written (a serial run,
    or xdist's controller)."""

    def __init__(self, config: pytest.Config, is_script: Callable[[str], bool]) -> None:
        self.config = config
        self.is_script = is_script
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        file, separator, _ = report.nodeid.partition("::")
        if separator and self.is_script(file):
            self.seconds[file] += report.duration  # setup, call and teardown: all of the xdist worker's time

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: Any) -> None:
        # A run stopped early (-x, Ctrl-C) saw part of a script: its sum would make it look short.
        stopped = session.shouldstop or session.shouldfail
        if stopped or exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not self.seconds:
            return
        cache = getattr(self.config, "cache", None)
        if cache is not None:
            cache.set(KEY, {**known(self.config), **{k: round(v, 3) for k, v in self.seconds.items()}})
