"""Drive one script through the server's lifecycle, lazily and once.

A ScriptRun imports the script, calls init() and sends every body at most once,
whichever check asks first (:mod:`score_contract.online.verdicts` judges what it
gathered). A worker that dies while handling a body is replaced, as gunicorn
replaces it, init() included, and the remaining bodies go to the new one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator, Sequence
from dataclasses import replace
from functools import partial
from itertools import takewhile
from typing import TYPE_CHECKING, Any

from ..config.settings import Settings
from ..core.compare import Difference, json_path
from ..core.contract import Contract
from ..core.files import changed, listing
from ..core.observations import (
    VALID_AND_VARIED,
    Body,
    Call,
    Caught,
    Evidence,
    HttpResponse,
    ImportResult,
    InitResult,
    Phase,
)
from ..core.ticker import Ticker
from ..exploration.sender import NOT_SENT
from ..inputs.contract import OPAQUE, resolve_opaque
from ..isolation.sandbox import Sandbox
from ..pipeline.context import RunContext
from ..pipeline.run import WorkerRun, as_death
from ..planning.script import Script

if TYPE_CHECKING:
    from ..official.server import OfficialServer
    from ..official.server_checks import ServerEvidence

#: After this many worker restarts the remaining bodies are not sent.
MAX_RESTARTS = 20


class ScriptRun(WorkerRun):
    """One online script's evidence, gathered on demand: every body sent at most once, through the server's
    import, init() and call, and the official server's too with --score-server."""

    def __init__(self, script: Script, settings: Settings, context: RunContext) -> None:
        super().__init__(script, settings, context)
        self._incarnation = 0
        self._calls: tuple[Call, ...] | None = None
        self._output_validator: Any = None
        if script.kind_reason:
            self.notes.append(script.kind_reason)
        #: Why no more bodies can be sent ("" while they can).
        self._cannot_send = ""
        self._server: OfficialServer | None = None
        self._server_evidence: ServerEvidence | None = None
        #: What init() of the current worker caught itself: the likely cause of what run() does.
        self._init_caught: tuple[Caught, ...] = ()
        self._contract: Contract | None = None
        #: Answer paths found to change by themselves.
        self.volatile_found: dict[str, Difference] = {}
        #: Keep the worker once the gate's bodies are sent: a contract test of the same script still calls it
        #: (score_contract.api), and init() is not paid twice.
        self.keep_worker = False
        #: The model folder as the worker will find it, listed before the worker starts: what init() and run() write
        #: there is what changed (see model_writes).
        self._model_listing = listing(str(settings.model_dir)) if settings.model_dir is not None else None

    # -- lifecycle -------------------------------------------------------------

    def _spawn(self) -> Sandbox:
        self._incarnation += 1
        self._sandbox = Sandbox(
            self.script.path,
            self.script.app_root,
            self.settings.model_dir,
            python=self.deployed.python,
            variables=self.deployed.variables(),
            coverage=self.measurement.request(self.deployed) if self.measurement is not None else None,
        )
        self._sandbox.ask_async("load", str(self.script.path), str(self.script.app_root), self.settings.init_timeout)
        return self._sandbox

    def _imported_ok(self, imported: ImportResult) -> None:
        self._start_server()  # its boot, init() included, overlaps the in-process init()

    def _boot(self) -> tuple[ImportResult, InitResult | None]:
        imported, init = super()._boot()
        self._init_caught = init.caught if init is not None else ()
        return imported, init

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._end_workers()

    # -- the contract ----------------------------------------------------------

    def contract(self) -> Contract:
        """The decorators' contract combined with the schema files given."""
        if self._contract is None:
            self._contract = self._combined_contract()
        return self._contract

    def _combined_contract(self) -> Contract:
        imported = self.imported()
        decorators = imported.contract or Contract()
        origins = [decorators.origin] if decorators.origin else []
        body, output = decorators.body, decorators.output
        notes = list(decorators.notes)
        if body is not None and OPAQUE in json.dumps(body):
            # Parameter types we cannot read get only the values the samples show.
            body, missing = resolve_opaque(body, [*decorators.examples, *self.json_samples()])
            notes += missing
        if self.script.schema is not None:
            origins.append(f"schema file {self.script.schema_origin}")
            body = self.script.schema if body is None else {"allOf": [self.script.schema, body]}
        if self.script.output_schema is not None:
            output = self.script.output_schema if output is None else {"allOf": [self.script.output_schema, output]}
        return Contract(" and ".join(origins), body, output, decorators.examples, tuple(notes))

    def json_samples(self) -> list[object]:
        """The user's samples that are JSON bodies, parsed."""
        values = []
        for body in self.script.bodies:
            try:
                values.append(json.loads(body.data))
            except (ValueError, RecursionError):
                continue  # a file sent as it is
        return values

    # -- sending ---------------------------------------------------------------

    def calls(self) -> tuple[Call, ...]:
        if self._calls is None:
            self._start_server()
            self._calls = tuple(self._gather())
            if not self.keep_worker:
                # Done with it: let it exit while the checks are judged; close() reaps it.
                self._retire(release=True)
            if self.settings.server:
                # Now, not at the first server check: failures of the in-process
                # checks show what the real server answered to the same body.
                self.server_evidence()
        return self._calls

    # -- the official server ---------------------------------------------------

    def _start_server(self) -> None:
        """Boot it now: its start-up overlaps the in-process init() and search."""
        if self.settings.server and self._server is None and self._server_evidence is None:
            from ..official.server import OfficialServer

            if self.deployed.blocker() is not None:
                return
            self._server = OfficialServer(
                self.script.path,
                self.script.app_root,
                self.settings.model_dir,
                workers=self.settings.server_workers,
                scoring_timeout=self.settings.timeout,
                python=self.deployed.python,
                variables=self.deployed.variables(),
                gunicorn=self.deployed.version("gunicorn"),
            )

    def server_evidence(self) -> ServerEvidence:
        if self._calls is None:
            self.calls()  # sends the bodies, then comes back here for the server's evidence
        if self._server_evidence is None:
            calls = self._calls or ()
            from ..official.endtoend import exchange
            from ..official.server_checks import own_swagger_files

            assert self._server is not None
            imported = self.imported()
            waiting = Ticker(self.status, self.script.shown_as).waiting if self.status is not None else None
            self._server_evidence = exchange(
                self._server,
                calls,
                boot_timeout=self.settings.init_timeout,
                timeout=self.settings.timeout,
                decorated=imported.mode == "schema",
                contract=self.contract().body,
                volatile=self.settings.volatile_keys,
                own_swagger=own_swagger_files(self.script.app_root),
                waiting=waiting,
            )
            self._server = None
        return self._server_evidence

    def server_answer(self, body: Body) -> HttpResponse | None:
        """What the official server answered to ``body``, if it was sent one."""
        if self._server_evidence is None:
            return None
        for exchange in (*self._server_evidence.valid, *self._server_evidence.invalid):
            if exchange.body.data == body.data:
                return exchange.server
        return None

    def call_of(self, body: Body) -> Call | None:
        """The call that sent ``body`` (the very object a violation names)."""
        return next((call for call in self._calls or () if call.body is body), None)

    def model_writes(self) -> tuple[str, ...]:
        """The files of the model folder init() and run() created or changed, so far, relative to the folder."""
        folder = self.settings.model_dir
        if folder is None:
            return ()
        return tuple(os.path.relpath(path, folder) for path in changed(self._model_listing, str(folder)))

    def evidence(self) -> Evidence:
        return Evidence(self._imported, self._init, self._calls or (), self.settings.volatile_keys)

    def _gather(self) -> list[Call]:
        init = self.initialized()
        if init is None or not init.ok:
            return []
        from ..exploration.explore import Plan, explore
        from ..exploration.search import database_key

        contract = self.contract()
        plan = Plan(
            samples=self.script.bodies,
            contract=contract,
            examples=self.settings.examples,
            seed=self.settings.seed,
            key=database_key(str(self.script.path), contract),
            volatile=self.settings.volatile_keys,
            guessed=self.guessed_contract(),
            progress=Ticker(self.status, self.script.shown_as).sent if self.status is not None else None,
        )
        if contract.output is not None:
            from ..inputs.strategies import validator

            self._output_validator = validator(contract.output)
        exploration = explore(self._send, plan, self._stream)
        self.sent, self.volatile_found = exploration.sent, exploration.volatile
        self.notes += exploration.notes
        if exploration.volatile:
            shown = ", ".join(exploration.volatile)
            self.notes.append(
                f"not compared, they change by themselves (times, durations or ids by their key or value): {shown}"
            )
        return exploration.calls

    def guessed_contract(self) -> dict[str, Any] | None:
        """Without a declared contract: one guessed from the JSON samples (see inputs.inferred)."""
        if self.contract().body is not None:
            return None
        from ..inputs.inferred import infer_schema

        return infer_schema(self.json_samples())

    def _send(self, body: Body, phase: Phase) -> Call:
        if self._sandbox is None and not self._restart():
            return Call(body, rejected=NOT_SENT + self._cannot_send, phase=phase)
        assert self._sandbox is not None
        reply = self._sandbox.ask("call", body, self.settings.timeout, timeout=self.settings.timeout)
        return self._received(body, phase, reply)

    def _stream(self, bodies: list[Body], phase: Phase) -> Generator[Call, None, None]:
        """The bodies sent to the worker at once (worker.py's ``calls``), their calls in order; it ends after a call
        that ended the worker (the rest was never run) or that could not be sent."""
        if self._sandbox is None and not self._restart():
            yield Call(bodies[0], rejected=NOT_SENT + self._cannot_send, phase=phase)
            return
        sandbox = self._sandbox
        assert sandbox is not None
        sandbox.ask_each("calls", bodies, self.settings.timeout)
        try:
            for body in bodies:
                call = self._received(body, phase, sandbox.wait(self.settings.timeout))
                yield call
                if call.death is not None:
                    return
        finally:
            if sandbox.pending:  # the caller wants no more: the worker skips the rest, no stale reply is left
                sandbox.stop(self.settings.timeout)
                if sandbox.death is not None and self._sandbox is sandbox:
                    sandbox.close()
                    self._sandbox = None

    def _send_each(self, bodies: Sequence[tuple[Body, Phase]]) -> list[Call]:
        """Each body with its phase, in order, as ``_send`` one by one would give them, sent in streams (a death ends
        one; the rest goes to a replacement); once no worker can start, the rest is not sent."""
        calls: list[Call] = []
        queue = list(bodies)
        while queue:
            phase = queue[0][1]
            run = [body for body, _ in takewhile(partial(_of_phase, phase), queue)]
            for call in self._stream(run, phase):
                calls.append(call)
                queue.pop(0)
            if self._cannot_send:
                calls += [Call(body, rejected=NOT_SENT + self._cannot_send, phase=phase) for body, phase in queue]
                break
        return calls

    def _received(self, body: Body, phase: Phase, reply: object) -> Call:
        """The worker's reply to ``body`` as evidence; a Death ends that worker (the next body goes to a new one)."""
        if not isinstance(reply, Call):
            assert self._sandbox is not None
            self._sandbox.close()
            self._sandbox = None
            return Call(body, death=as_death(reply), incarnation=self._incarnation, phase=phase)
        output_problem = None
        if phase in VALID_AND_VARIED and self._output_validator is not None:
            output_problem = self._output_problem(reply)
        return replace(
            reply,
            incarnation=self._incarnation,
            phase=phase,
            init_caught=self._init_caught,
            output_problem=output_problem,
        )

    def send(self, body: Body) -> Call:
        """One body, as the gate sends its own (a contract test's: score_contract.api). Its worker is started and
        init() run first; a worker that died is replaced, as for the gate's bodies. Not part of the evidence."""
        init = self.initialized()
        if init is None or not init.ok:
            return Call(body, rejected="init() did not succeed", phase="sample")
        return self._send(body, "sample")

    def _restart(self) -> bool:
        """A replacement worker, unless the last one could not start or too many died."""
        if self._cannot_send:
            return False
        if self._incarnation >= MAX_RESTARTS:
            self._cannot_send = f"run() ended the worker process {self._incarnation} times"
            return False
        _, init = self._boot()
        if init is not None and init.ok:
            return True
        self._cannot_send = "a replacement worker did not start: its init() failed"
        self.close()
        return False

    def _output_problem(self, call: Call) -> str | None:
        response = call.response
        if response is None or not response.is_json or not 200 <= response.status < 300 or call.returned_response:
            return None
        try:
            value = json.loads(response.body)
        except (ValueError, RecursionError):
            return None  # output_is_strict_json says why
        error = next(iter(sorted(self._output_validator.iter_errors(value), key=lambda e: e.path)), None)
        if error is None:
            return None
        where = json_path(error.absolute_path)
        return f"{where}: {error.message}"


def _of_phase(phase: Phase, pair: tuple[Body, Phase]) -> bool:
    return pair[1] == phase
