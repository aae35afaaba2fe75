"""Drive one script through the server's lifecycle, lazily and once, and judge it.

A ScriptRun imports the script, calls init() and sends every body at most once,
whichever check asks first; each check then judges the cached evidence. A worker
that dies while handling a body is replaced (as gunicorn replaces it, init()
included) and the remaining bodies go to the new one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from .checks import Check, Violation
from .observations import Call, Death, Evidence, ImportResult, InitResult
from .sandbox import Sandbox
from .settings import Script, Settings

Outcome = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class Verdict:
    """What a check concluded about one script."""

    outcome: Outcome
    #: Every violation found, the one to show first (smallest body) first.
    violations: tuple[Violation, ...] = ()
    #: How many observations the check judged (bodies, for per-call checks).
    judged: int = 0
    #: Why the check was skipped, and which check explains it.
    reason: str = ""
    blocked_by: str = ""
    #: Advisory findings and notes, shown as warnings.
    warnings: tuple[str, ...] = ()


class ScriptRun:
    """One script's evidence, gathered on demand."""

    def __init__(self, script: Script, settings: Settings) -> None:
        self.script = script
        self.settings = settings
        self._sandbox: Sandbox | None = None
        self._incarnation = 0
        self._imported: ImportResult | None = None
        self._init: InitResult | None = None
        self._calls: tuple[Call, ...] | None = None
        #: Bodies never sent because a replacement worker could not start.
        self.unsent = 0

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        """Start the worker and its import now, so that it overlaps other work."""
        if self._sandbox is None and self._imported is None:
            self._spawn()

    def _spawn(self) -> Sandbox:
        self._incarnation += 1
        self._sandbox = Sandbox(self.script.path, self.script.app_root, self.settings.model_dir)
        self._sandbox.ask_async("load", str(self.script.path), str(self.script.app_root), self.settings.init_timeout)
        return self._sandbox

    def _boot(self) -> tuple[ImportResult, InitResult | None]:
        """Import and init in a fresh worker (the first one, or a replacement)."""
        sandbox = self._sandbox if self._sandbox is not None else self._spawn()
        reply = sandbox.wait(self.settings.init_timeout)
        imported = reply if isinstance(reply, ImportResult) else ImportResult(death=_as_death(reply))
        if not imported.accepted:
            return imported, None
        reply = sandbox.ask("init", self.settings.init_timeout, timeout=self.settings.init_timeout)
        init = reply if isinstance(reply, InitResult) else InitResult(death=_as_death(reply))
        return imported, init

    def imported(self) -> ImportResult:
        if self._imported is None:
            self._imported, self._init = self._boot()
        return self._imported

    def initialized(self) -> InitResult | None:
        self.imported()
        return self._init

    def calls(self) -> tuple[Call, ...]:
        if self._calls is None:
            self._calls = tuple(self._send_all())
            self.close()
        return self._calls

    def _send_all(self) -> list[Call]:
        init = self.initialized()
        calls: list[Call] = []
        if init is None or not init.ok:
            return calls
        bodies = list(self.script.bodies)
        for index, body in enumerate(bodies):
            assert self._sandbox is not None
            reply = self._sandbox.ask("call", body, self.settings.timeout, timeout=self.settings.timeout)
            if isinstance(reply, Call):
                calls.append(replace(reply, incarnation=self._incarnation))
                continue
            calls.append(Call(body, death=_as_death(reply), incarnation=self._incarnation))
            if index + 1 < len(bodies) and not self._replace_worker():
                self.unsent = len(bodies) - index - 1
                break
        return calls

    def _replace_worker(self) -> bool:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
        imported, init = self._boot()
        return init is not None and init.ok

    def evidence(self) -> Evidence:
        return Evidence(self._imported, self._init, self._calls or ())

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None

    # -- judging ---------------------------------------------------------------

    def judge(self, check: Check) -> Verdict:
        blocked = self._blocked(check)
        if blocked is not None:
            return blocked
        if check.phase in ("import", "definition"):
            return self._verdict(check, [check.judge(self.imported())], judged=1)
        if check.phase == "init":
            return self._verdict(check, [check.judge(self.initialized())], judged=1)
        calls = self.calls()
        if check.phase == "session":
            return self._verdict(check, [check.judge(self.evidence())], judged=1)
        notes = self._rejections(check, calls)
        judged = [c for c in calls if c.rejected is None]
        if not judged:
            reason = f"no request body reached run(): all {len(calls)} were refused before run() saw them"
            return Verdict("skipped", reason=reason, warnings=notes)
        if check.name != "run_accepts_valid_input":
            # The other per-call checks judge what run() returned.
            judged = [c for c in judged if c.death is None and c.error is None]
            if not judged:
                return Verdict(
                    "skipped", reason="run() returned for none of the bodies", blocked_by="run_accepts_valid_input"
                )
        violations = [check.judge(c) for c in sorted(judged, key=lambda c: len(c.body.data))]
        return self._verdict(check, violations, judged=len(judged), extra=notes)

    def _verdict(
        self, check: Check, found: list[Violation | None], judged: int, extra: tuple[str, ...] = ()
    ) -> Verdict:
        violations = tuple(v for v in found if v is not None)
        if check.advisory:
            return Verdict("passed", judged=judged, warnings=tuple(v.headline for v in violations[:1]) + extra)
        return Verdict("failed" if violations else "passed", violations, judged=judged, warnings=extra)

    def _rejections(self, check: Check, calls: tuple[Call, ...]) -> tuple[str, ...]:
        if check.name != "run_accepts_valid_input":
            return ()
        notes = [
            f"sample body {c.body.source or c.body.text[:80]} was refused before run() saw it: {c.rejected}"
            for c in calls
            if c.rejected is not None
        ]
        if self.unsent:
            notes.append(f"{self.unsent} bodies were not sent: the worker could not be restarted")
        return tuple(notes)

    def _blocked(self, check: Check) -> Verdict | None:
        """Skip a check whose prerequisite failed, pointing at the check that says why."""
        if check.phase == "import":
            return None
        imported = self.imported()
        if not imported.imported:
            return Verdict("skipped", reason="the script did not import", blocked_by="module_imports")
        if check.phase == "definition":
            return None
        if not imported.accepted:
            return Verdict(
                "skipped", reason="the server would not accept init()/run()", blocked_by="defines_init_and_run"
            )
        if check.phase == "init":
            return None
        init = self.initialized()
        if init is None or not init.ok:
            return Verdict("skipped", reason="init() failed", blocked_by="init_succeeds")
        if check.phase == "call" and not self.script.bodies:
            return Verdict(
                "skipped",
                reason="no request bodies to send: give --score-samples FILE, or put .json/.jsonl files"
                " in a samples/ folder beside the script",
            )
        return None


def _as_death(reply: object) -> Death:
    return reply if isinstance(reply, Death) else Death(last_output=f"unexpected reply {reply!r}")
