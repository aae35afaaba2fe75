"""pytest-xdist: every check of one script on one xdist worker, the longest scripts first, the next script sent
while the current one runs (issue 8, part 4; issue 22, item 3).

A script's checks share what one worker process gathered (one import, one init(), one search, one
official server). Spread over several xdist workers, each would start all of that for the script
again. ``-n N`` means ``--dist load``, which spreads single tests; under it we hand xdist this
scheduler instead: a script is one unit of work, and every other test stays a unit of its own, as
``load`` has it. (``loadfile`` would group the scripts too, but also the user's own tests by file;
``xdist_group`` marks with ``loadgroup`` append the group to every node id, ``score.py::init_succeeds@score.py``,
in the summary and the JUnit file, and group nothing on pytest 9.2, whose node ids no longer come from
the attribute xdist 3.8 rewrites.) A ``--dist`` mode the user chose is left as it is.

Two changes to how ``load`` hands out the units:

- The scripts go longest first, by the durations the last run kept in pytest's cache (see durations.py); a
  script the cache does not know goes before them all, as it may be the longest. The user's own tests follow,
  in xdist's order.
- xdist sends a worker more only when two of its tests are left, which for a script is after its last call:
  the next script's worker process would start only then, and the xdist worker would wait for its import.
  Here each xdist worker holds its current script and the next one, and starts the next one's worker process
  as soon as it has been sent (:func:`sent_ahead`), so that its start overlaps the current script's checks.
  The cost: the next script is promised one script early, so a worker that finishes first may idle for up to
  the last (and, in this order, shortest) script of another.

xdist has no hook for either: the order is set where its LoadScopeScheduling hands out its first unit
(``_assign_work_unit``) and the look-ahead where it decides whether a worker gets more (``_reschedule``), the
methods its own schedulers are built from; tests/test_xdist.py checks both through real runs.

Imported only by xdist's own hooks (and by an xdist worker), so xdist is installed when it is.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping

import pytest
from xdist.remote import Producer, WorkerInteractor
from xdist.scheduler import LoadScopeScheduling
from xdist.workermanage import WorkerController

#: A unit of work other than a script (one of the user's own tests) sorts after every script.
_NOT_A_SCRIPT = (1, 0.0)


class ScriptScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist is untyped
    """``--dist load``, but the checks of one script are one unit of work, the longest scripts go first, and each
    worker holds its next script while it runs the current one."""

    #: xdist's: each unit of work not handed out yet (a scope, and its node ids with whether each is done).
    workqueue: OrderedDict[str, dict[str, bool]]

    def __init__(
        self,
        config: pytest.Config,
        log: Producer | None,
        is_script: Callable[[str], bool],
        durations: Mapping[str, float],
    ) -> None:
        super().__init__(config, log)
        self.is_script = is_script
        self.durations = durations
        self._ordered = False

    def _split_scope(self, nodeid: str) -> str:
        # The extension point xdist's own loadfile and loadgroup schedulers override.
        file, separator, _ = nodeid.partition("::")
        return file if separator and self.is_script(file) else nodeid

    def _priority(self, scope: str) -> tuple[int, float]:
        if not self.is_script(scope):
            return _NOT_A_SCRIPT
        return (0, -self.durations.get(scope, float("inf")))

    def _assign_work_unit(self, node: WorkerController) -> None:
        # xdist fills its work queue and hands out the first units in one method (schedule); the first unit
        # handed out is where the queue is known in full, so it is put in order here.
        if not self._ordered:
            self._ordered = True
            # A stable sort: the scripts of equal (or unknown) duration, and the user's tests, keep xdist's order.
            self.workqueue = OrderedDict(sorted(self.workqueue.items(), key=lambda unit: self._priority(unit[0])))
        super()._assign_work_unit(node)

    def _reschedule(self, node: WorkerController) -> None:
        # As xdist's, which hands out one more unit when a worker has two tests or fewer left, and also when a
        # worker holds fewer than two unfinished units: its current script and the next one.
        if node.shutting_down:
            return
        if not self.workqueue:
            node.shutdown()
            return
        assigned = self.assigned_work[node]
        unfinished = sum(1 for unit in assigned.values() if not all(unit.values()))
        if self._pending_of(assigned) > 2 and unfinished >= 2:
            return
        self._assign_work_unit(node)


def sent_ahead(session: pytest.Session) -> Iterator[pytest.Item]:
    """In an xdist worker: the items the controller has sent it and it has not started, in order.

    xdist offers no hook for it: its worker keeps them in the queue of its WorkerInteractor plugin (a TestQueue
    with a lock() from xdist 3.6, a queue.Queue before). Read under the queue's own lock; nothing when xdist
    keeps them otherwise, and the next script then starts only when its first check is next. The plugin is
    found by its class's name: execnet runs xdist's remote module from its source in the worker, so that the
    class is not the one ``import xdist.remote`` gives."""
    interactor = next(
        (p for p in session.config.pluginmanager.get_plugins() if type(p).__name__ == WorkerInteractor.__name__),
        None,
    )
    torun = getattr(interactor, "torun", None)
    if hasattr(torun, "lock"):
        with torun.lock() as queued:  # type: ignore[union-attr]
            indices = list(queued)
    elif hasattr(torun, "mutex") and hasattr(torun, "queue"):
        with torun.mutex:  # type: ignore[union-attr]
            indices = list(torun.queue)  # type: ignore[union-attr]
    else:
        return
    for index in indices:
        if isinstance(index, int) and 0 <= index < len(session.items):
            yield session.items[index]
