"""A run of one script in a worker process: what every kind of run shares.

The worker is started on the first need (or ahead of it, so that its import overlaps other work), imports the
script and calls init() as the kind's runtime does, and is replaced after a death by the kind's own rules. When the
run is done its workers are stopped — each saves its coverage data as it leaves — and coverage is finished from
that data. What is sent to the script, and what is observed of it, is the kind's (:meth:`calls`,
:meth:`evidence`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..config.settings import Settings
from ..core.observations import Death, ImportResult, InitResult
from ..environments.deployed import Deployed
from ..isolation.sandbox import Sandbox
from ..planning.script import Script
from .context import RunContext


def as_death(reply: object) -> Death:
    """A worker's reply that is not the result asked for: how the worker ended."""
    return reply if isinstance(reply, Death) else Death(last_output=f"unexpected reply {reply!r}")


class WorkerRun:
    """One script's evidence, gathered on demand; a kind subclasses it with how it starts a worker and what it
    sends."""

    #: The worker command that calls init(), after the one that imports the script.
    init_command = "init"

    def __init__(self, script: Script, settings: Settings, context: RunContext) -> None:
        self.script = script
        self.settings = settings
        #: Where a long phase says how it is going (see core.ticker); None: nowhere.
        self.status = context.status
        #: The deployment spec's files and variables, and the environment the script runs in.
        self.deployed = Deployed(script.target, script.app_root, context.progress)
        #: Where the workers' coverage data goes (--score-cov and the options that imply it).
        self.measurement = context.measurement(script, settings.measures_coverage)
        #: Notes for the report gathered while running (refusals, lost workers, made-up inputs).
        self.notes: list[str] = []
        #: Inputs sent, by phase.
        self.sent: Counter[str] = Counter()
        self._sandbox: Sandbox | None = None
        #: Workers done with, not yet reaped.
        self._retired: list[Sandbox] = []
        self._imported: ImportResult | None = None
        self._init: InitResult | None = None

    # -- what a kind supplies --------------------------------------------------

    def _spawn(self) -> Sandbox:
        """Start a worker as the kind's runtime does, and ask it to import the script."""
        raise NotImplementedError

    def _imported_ok(self, imported: ImportResult) -> None:
        """The script imported and the runtime accepts it; init() is next (a kind may start more now)."""

    def calls(self) -> tuple[Any, ...]:
        """Every input sent and what came of it."""
        raise NotImplementedError

    def evidence(self) -> Any:
        """Everything observed so far, for the checks."""
        raise NotImplementedError

    # -- the worker's life -----------------------------------------------------

    def start(self) -> None:
        """Start the worker and its import now, so that it overlaps other work."""
        if self._sandbox is None and self._imported is None and self.deployed.blocker() is None:
            self._spawn()

    def _boot(self) -> tuple[ImportResult, InitResult | None]:
        """Import and init in a fresh worker (the first one, or a replacement)."""
        sandbox = self._sandbox if self._sandbox is not None else self._spawn()
        reply = sandbox.wait(self.settings.init_timeout)
        imported = reply if isinstance(reply, ImportResult) else ImportResult(death=as_death(reply))
        if not imported.accepted:
            return imported, None
        self._imported_ok(imported)
        reply = sandbox.ask(self.init_command, self.settings.init_timeout, timeout=self.settings.init_timeout)
        return imported, reply if isinstance(reply, InitResult) else InitResult(death=as_death(reply))

    def imported(self) -> ImportResult:
        if self._imported is None:
            self._imported, self._init = self._boot()
        return self._imported

    def initialized(self) -> InitResult | None:
        self.imported()
        return self._init

    def _retire(self, release: bool = False) -> None:
        """Done with the current worker: ``release`` lets it exit while the checks are judged; close() reaps it."""
        if self._sandbox is not None:
            if release:
                self._sandbox.release()
            self._retired.append(self._sandbox)
            self._sandbox = None

    def _end_workers(self) -> None:
        """Stop every worker (each saves its coverage data as it leaves), then read that data."""
        self._retire()
        while self._retired:
            self._retired.pop().close()
        if self.measurement is not None:
            self.measurement.finish()

    def close(self) -> None:
        self._end_workers()

    def coverage(self) -> dict[str, Any] | None:
        """What the whole run reached of the script (its workers are ended for it: nothing is sent after)."""
        if self.measurement is None:
            return None
        self.calls()
        self._end_workers()
        return self.measurement.figures()
