"""A comparison run: the new version's online run, the old version's worker beside it, and the same bodies to both.

The new version is run exactly as the gate runs one script (:class:`~score_contract.online.runner.ScriptRun`: its
samples, its contract's boundaries, generated bodies, invalid bodies, repeats; its worker replaced after a death).
Then it is also sent:

- production's recorded requests (``--score-traffic``), as phase "traffic";
- what only the old version knows of valid input (phase "baseline"): its own samples, and, when its request contract
  differs from the new one, that contract's boundaries and generated bodies — a stricter new contract never
  generates the bodies it now refuses, and those are the ones clients send today.

The old version (:class:`BaselineRun`) boots in a worker of its own as soon as the run starts (its import and init()
overlap the new version's), with its own model folder and environment, and is sent every body above that the new
version's contract or samples call valid, once each, after the new version's exploration: Hypothesis drives one
search, not two, and the baseline pays only for the calls (``bench/comparison_overhead.py`` measures it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..config.settings import Settings
from ..core.observations import VALID_AND_VARIED, Body, Call, Phase
from ..core.ticker import Ticker
from ..online.runner import ScriptRun
from ..pipeline.context import RunContext
from ..planning.script import Comparing, Script
from .evidence import Comparison, Contracts, compare, request_key

#: The phases whose bodies the old version is sent too: what the new version's contract or samples call valid,
#: production's requests, and the old version's own valid bodies.
COMPARED_PHASES: tuple[Phase, ...] = (*VALID_AND_VARIED, "traffic", "baseline")


class BaselineRun(ScriptRun):
    """The old version: imported, initialised and replaced after a death as any script, sent only the bodies it is
    given (it is never explored)."""

    def answer(self, bodies: Sequence[tuple[Body, Phase]]) -> list[Call]:
        init = self.initialized()
        if init is None or not init.ok:
            return []
        ticker = Ticker(self.status, self.script.shown_as) if self.status is not None else None
        calls = self._send_each(bodies)
        for call in calls:
            self.sent[call.phase] += 1
            if ticker is not None:
                ticker.sent(call.phase, self.sent)
        self._calls = tuple(calls)
        self._retire(release=True)
        return calls

    def _gather(self) -> list[Call]:
        return []


class ComparisonRun(ScriptRun):
    """The new version's run, with the old version's and production's answers to compare with."""

    def __init__(self, script: Script, settings: Settings, context: RunContext) -> None:
        super().__init__(script, settings, context)
        assert script.comparing is not None, "a comparison run compares the script with something"
        self.comparing: Comparing = script.comparing
        self.baseline: BaselineRun | None = None
        old, old_settings = self.comparing.baseline, self.comparing.baseline_settings
        if old is not None and old_settings is not None:
            # No coverage, no server, no pytest-cov handover: the old version is a reference, not under test.
            progress, name = context.progress, f"the baseline {self.comparing.baseline_shown}"
            said = (lambda line: progress(f"{name}: {line}")) if progress is not None else None
            self.baseline = BaselineRun(old, old.settings_for(old_settings), RunContext(said, context.status))
        #: The old version's calls, in the order sent.
        self.baseline_calls: tuple[Call, ...] = ()
        self._comparison: Comparison | None = None

    def start(self) -> None:
        super().start()
        if self.baseline is not None:
            self.baseline.start()

    def close(self) -> None:
        super().close()
        if self.baseline is not None:
            self.baseline.close()

    # -- sending ---------------------------------------------------------------

    def _gather(self) -> list[Call]:
        calls = super()._gather()
        init = self.initialized()
        if init is None or not init.ok:
            return calls
        sent = {request_key(c.body): c for c in calls if c.phase in VALID_AND_VARIED}
        extra = self._old_bodies(calls)
        traffic = self.comparing.traffic
        extra += [(recorded.body, "traffic") for recorded in (traffic.exchanges if traffic is not None else ())]
        new: dict[tuple[object, ...], tuple[Body, Phase]] = {}
        for body, phase in extra:
            if request_key(body) not in sent:
                new.setdefault(request_key(body), (body, phase))
        for call in self._send_each(list(new.values())):
            self.sent[call.phase] += 1
            sent[request_key(call.body)] = call
            calls.append(call)
        if self.baseline is not None:
            chosen = {request_key(c.body): c for c in calls if c.phase in COMPARED_PHASES and c.death is None}
            self.baseline_calls = tuple(self.baseline.answer([(c.body, c.phase) for c in chosen.values()]))
        return calls

    def _old_bodies(self, calls: list[Call]) -> list[tuple[Body, Phase]]:
        """The old version's samples, and its own contract's bodies when its contract is not the new one's."""
        if self.baseline is None or not self.baseline.imported().accepted:
            return []
        mine = {request_key(c.body) for c in calls}
        bodies: list[tuple[Body, Phase]] = [
            (body, "baseline") for body in self.baseline.script.bodies if request_key(body) not in mine
        ]
        old = self.baseline.contract().body
        if old is None or old == self.contract().body:
            return bodies
        from ..exploration.search import database_key, search
        from ..inputs import strategies

        source = f"a boundary of {self.comparing.baseline_shown}'s contract"
        bodies += [(Body.from_json(value, source), "baseline") for value in strategies.boundary_values(old)]
        generated: list[Body] = []

        def keep(value: object) -> Call:
            body = Body.from_json(value, f"generated from {self.comparing.baseline_shown}'s contract")
            generated.append(body)
            return Call(body)  # drawn only: sent below with the rest, to both versions

        search(
            strategies.valid_values(old),
            keep,
            lambda call: None,
            examples=self.settings.examples,
            seed=self.settings.seed,
            key=database_key(f"{self.script.path} baseline", old),
        )
        return bodies + [(body, "baseline") for body in generated]

    # -- comparing -------------------------------------------------------------

    def comparison(self) -> Comparison:
        """Every body's answers compared (the bodies are sent first if they were not)."""
        if self._comparison is None:
            calls = self.calls()
            contract = self.contract()
            old = self.baseline.contract() if self.baseline is not None and self.baseline.imported().accepted else None
            contracts = Contracts(
                # A contract guessed from the samples is no declaration: it makes nothing stricter.
                new_request=contract.body,
                old_request=old.body if old is not None else None,
                old_output=old.output if old is not None else None,
            )
            who = self.comparing.baseline_shown if self.baseline is not None else ""
            self._comparison = compare(
                calls, self.baseline_calls, self.settings, contracts, who, self.comparing.traffic, self._cannot_run()
            )
        return self._comparison

    def _cannot_run(self) -> tuple[str, str] | None:
        """Why the old version could not be run: a headline, and its details (its traceback)."""
        if self.baseline is None:
            return None
        return cannot_run(self.baseline, f"the baseline {self.comparing.baseline_shown}")

    def comparison_so_far(self) -> Comparison | None:
        """The comparison if it was made (the reports ask without starting anything)."""
        return self._comparison

    def figures(self) -> dict[str, Any] | None:
        return self._comparison.figures() if self._comparison is not None else None


def cannot_run(run: ScriptRun, who: str) -> tuple[str, str] | None:
    """Why a version could not answer: a headline naming it (``who``), and its details (its traceback); None when
    it imported and its init() succeeded."""
    blocked = run.deployed.blocker()
    if blocked is not None:
        return f"{who} could not be run: {blocked[0]}", f"(its check {blocked[1]} says why)"
    imported = run.imported()
    if not imported.imported:
        error = imported.error
        said = error.summary if error is not None else imported.death.describe() if imported.death else "it hung"
        return f"{who} could not be imported: {said}", error.traceback if error is not None else ""
    if not imported.accepted:
        return f"{who} would not be served: {imported.definition_problem}", ""
    init = run.initialized()
    if init is None or not init.ok:
        error = init.error if init is not None else None
        said = error.summary if error is not None else "it did not finish" if init and init.timed_out else "it died"
        return f"{who}'s init() failed: {said}", error.traceback if error is not None else ""
    return None
