"""How the suite's own tests are spread over pytest-xdist's workers (conftest's pytest_xdist_make_scheduler).

xdist's ``load`` spreads single tests, and every worker that draws one test of a file sets up that file's module
fixtures for itself. Several files do most of their work in one: a pytest session over tens of scripts
(test_fuzzing, test_realworld, test_contract_matrix, test_batch, test_batch_specs, test_server, test_regression),
or every case's official app started in the background (test_parity, test_parity_http, which read the cases from
``session.items``: under xdist every worker holds all of them, so each worker that drew one case booted all of
them). Spread test by test, both workers paid that work, and the smoke set's two workers each ran the 24 s
realworld session. Here each of those files is one unit of work, handed out first and longest first (they are
the long ones); every other test is a unit of its own, as under ``load``: the tests of the slowest of the other
files first (SLOW_FIRST), so that a run ends on quick tests, then the rest in collection order.

``xdist_group`` marks with ``--dist loadgroup`` would say the same, but group nothing on pytest 9.2 with xdist 3.8
(see plugins/pytest_score_contract/distribution.py), and would need ``--dist`` on every command line.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from xdist.scheduler import LoadScopeScheduling

#: The files kept whole, longest first (their summed durations in a full run, seconds): the order they go out in.
WHOLE = (
    "tests/test_fuzzing.py",  # 72: its session twice (the same seed), and the matrix's and realworld's
    "tests/test_parity_http.py",  # 39
    "tests/test_server.py",  # 27
    "tests/test_parity.py",  # 26
    "tests/test_realworld.py",  # 25
    "tests/test_batch_specs.py",  # 23
    "tests/test_batch.py",  # 20
    "tests/test_regression.py",  # 14
    "tests/test_contract_matrix.py",  # 10
)


#: Then the single tests of these files, the slowest of the rest (environment builds, pre-commit's, servers killed
#: mid-boot, budgets that wait on a timeout), so that the run ends on quick tests rather than on one of these.
SLOW_FIRST = (
    "tests/test_ci_templates.py",
    "tests/test_deployment.py",
    "tests/test_environments.py",
    "tests/test_budgets.py",
    "tests/test_server_faults.py",
    "tests/test_xdist.py",
    "tests/test_sharding.py",
    "tests/test_examples.py",
    "tests/test_api.py",
)


def _rank(scope: str) -> int:
    file = scope.split("::", 1)[0]
    for rank, first in enumerate((*WHOLE, *SLOW_FIRST)):
        if file.endswith(first):
            return rank
    return len(WHOLE) + len(SLOW_FIRST)


class SuiteScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist is untyped
    """``load``, but each file of WHOLE is one unit, and those go first, longest first, then SLOW_FIRST's tests."""

    workqueue: OrderedDict[str, dict[str, bool]]

    def __init__(self, config: Any, log: Any) -> None:
        super().__init__(config, log)
        self._ordered = False

    def _split_scope(self, nodeid: str) -> str:
        file = nodeid.split("::", 1)[0]
        for whole in WHOLE:
            if file.endswith(whole):  # the node ids are relative to the rootdir: tests/..., or a copy's
                return whole
        return nodeid

    def _assign_work_unit(self, node: Any) -> None:
        if not self._ordered:
            self._ordered = True
            self.workqueue = OrderedDict(sorted(self.workqueue.items(), key=lambda unit: _rank(unit[0])))
        super()._assign_work_unit(node)
