"""A contract run over several scripts: what the shells (pytest plugin, CLI) hold.

It plans each script up front (so bad samples are usage errors before anything
runs), starts workers ahead of need so that one script's start-up overlaps
another's checks, and stops each worker as soon as its last check is done.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from .batch.runner import BatchRun
from .config.settings import Script, Settings, plan
from .config.settings_file import script_settings
from .core.observations import Evidence
from .core.wording import plural
from .deployment.spec import is_spec, read_spec
from .inputs.schema_files import check_satisfiable
from .judging.checks import Check
from .judging.verdicts import Verdict
from .online.report import Failure, render, render_findings
from .online.runner import ScriptRun
from .online.verdicts import judge

#: How the terminal summary names what each phase sent, in the order they are sent.
_PHASE_NAMES = {
    "batch": ("mini-batch", "mini-batches"),
    "sample": ("sample", "samples"),
    "example": ("decorator sample", "decorator samples"),
    "boundary": ("boundary", "boundaries"),
    "generated": ("generated", "generated"),
    "varied": ("variation of the samples", "variations of the samples"),
    "invalid": ("invalid", "invalid"),
    "repeat": ("sent again", "sent again"),
}


def _own_settings(settings: Settings, target: Path, invocation_dir: Path) -> Settings:
    """The settings file beside the target applied; for a deployment spec, also the one beside the script it names
    (the script's folder is where a score-contract.toml belongs when one spec per environment shares a script), the
    spec's own folder winning where both set a key."""
    if is_spec(target):
        script = read_spec(target, os.path.relpath(target, invocation_dir)).script
        if script is not None and script.parent != target.parent:
            settings = script_settings(settings, script, invocation_dir)
    return script_settings(settings, target, invocation_dir)


def _deployment_checks(script: Script) -> tuple[Check, ...]:
    """A deployment spec's files first, then its environment, then init() against its probes."""
    target = script.target
    if target is None:
        return ()
    from .environments.checks import DEPLOYMENT_CHECKS, PROBE_CHECKS, environment_checks

    deployment = target.deployment
    checks = DEPLOYMENT_CHECKS if deployment is not None else ()
    if target.env is not None:
        checks += environment_checks(script.kind)
    if deployment is not None and deployment.init_budget is not None and script.kind != "batch":
        checks += PROBE_CHECKS
    return checks


class ContractSession:
    def __init__(self, settings: Settings, invocation_dir: Path) -> None:
        self.settings = settings
        self.invocation_dir = invocation_dir
        #: Each target's settings: the run's, with the settings file in its folder applied.
        self.own: dict[Path, Settings] = {p: _own_settings(settings, p, invocation_dir) for p in settings.scripts}
        self.scripts: dict[Path, Script] = {p: plan(self.own[p], p, invocation_dir) for p in settings.scripts}
        from .planning.targets import environment_hint

        #: A likely environment file beside a plain script, which is not used: how to use it.
        self.hints: dict[Path, str] = {
            p: hint for p in settings.scripts if (hint := environment_hint(self.own[p], p, invocation_dir))
        }
        self._runs: dict[Path, ScriptRun | BatchRun] = {}
        self._order: list[Path] = []
        self._pending: Counter[Path] = Counter()
        #: Where long steps (building an environment) report what they are doing, and where a long
        #: search or server boot says how far it is (core.ticker); the shell sets them.
        self.progress: Callable[[str], None] | None = None
        self.status: Callable[[str], None] | None = None
        #: Under xdist, for --score-cov-report: where a worker leaves each script's coverage data, and
        #: where the controller finds it (the same folder, made by the controller).
        self.cov_share: Path | None = None
        self.cov_gathered: Path | None = None

    def environment_lines(self) -> list[str]:
        """For the report header: which scripts run in a deployment's environment, and the inference server
        it holds when the cache knows it (the header's versions are the gate's own)."""
        from .environments.prepared import header_line

        return [
            f"{script.shown_as} {header_line(script.target.env, script.target.env_shown)}"
            for script in self.scripts.values()
            if script.target is not None and script.target.env is not None
        ]

    def verify(self) -> None:
        """The checks of the user's input that need Hypothesis (after start-up)."""
        for script in self.scripts.values():
            check_satisfiable(script)

    def wants(self, path: Path) -> bool:
        return path.resolve() in self.scripts

    def run(self, path: Path) -> ScriptRun | BatchRun:
        path = path.resolve()
        if path not in self._runs:
            script = self.scripts[path]
            settings = script.settings_for(self.own[path])
            self._runs[path] = (
                BatchRun(script, settings, self.progress)
                if script.kind == "batch"
                else ScriptRun(script, settings, self.progress, self.status)
            )
        return self._runs[path]

    def nothing_to_gate(self, path: Path) -> str:
        """Why a target has no scoring script to check ("" when it has one)."""
        script = self.scripts.get(path.resolve())
        return script.nothing_to_gate if script is not None else ""

    def checks(self, path: Path) -> tuple[Check, ...]:
        """The checks of one target: its deployment's and environment's, then a batch script's, or an
        online script's (and the server's)."""
        script = self.scripts[path.resolve()]
        if script.nothing_to_gate:
            return ()
        settings = script.settings_for(self.own[path.resolve()])
        first = _deployment_checks(script)
        last: tuple[Check, ...] = ()
        if settings.cov_fail_under is not None:
            from .coverage.checks import COVERAGE_CHECKS

            last = COVERAGE_CHECKS  # after every other: it judges what the whole run reached
        if script.kind == "batch":
            from .batch.checks import BATCH_CHECKS

            return first + BATCH_CHECKS + last
        from .judging.budgets import budget_checks
        from .judging.checks import CHECKS

        online = first + CHECKS + budget_checks(settings.latency_p99_ms, settings.max_memory_mb)
        if not settings.server:
            return online + last
        from .official.server_checks import SERVER_CHECKS

        return online + SERVER_CHECKS + last

    def schedule(self, paths: Iterable[Path], ahead: bool = True) -> None:
        """The scripts of the checks about to run, in order, one entry per check.

        ``ahead``: start the first script's worker now, and each next one when the previous script's
        first check runs. Without it (a shell that learns the order as it goes: an xdist worker) a
        worker starts when its script's first check runs, or when :meth:`start` is called."""
        paths = [p.resolve() for p in paths]
        self._pending = Counter(paths)
        self._order = list(dict.fromkeys(paths)) if ahead else []
        if self._order:
            self.run(self._order[0]).start()

    def start(self, path: Path) -> None:
        """Start a script's worker ahead of its first check."""
        if path.resolve() in self.scripts:
            self.run(path).start()

    def judge(self, path: Path, check: Check) -> Verdict:
        path = path.resolve()
        # Start the next script's worker now: its import overlaps this one's checks.
        if path in self._order:
            following = self._order.index(path) + 1
            if following < len(self._order):
                self.run(self._order[following]).start()
        run = self.run(path)
        if check.phase == "coverage":
            from .coverage.verdicts import judge_coverage

            return judge_coverage(check, run)
        if isinstance(run, BatchRun):
            from .batch import verdicts

            return verdicts.judge(check, run)
        return judge(check, run)

    def done(self, path: Path) -> None:
        """One scheduled check of ``path`` finished; stop its worker after the last."""
        path = path.resolve()
        self._pending[path] -= 1
        if self._pending[path] <= 0 and path in self._runs:
            run = self._runs[path]
            run.close()
            data = run.measurement.data_file if run.measurement is not None else None
            if self.cov_share is not None and data is not None:
                # An xdist worker: the controller writes --score-cov-report from every worker's data.
                digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
                shutil.copyfile(data, self.cov_share / f".coverage.{digest}")

    def failure(self, path: Path, check: Check, verdict: Verdict) -> Failure:
        run = self.run(path)
        if check.phase == "coverage":
            from .coverage import verdicts

            return verdicts.render(check, verdict, run.script, run.settings, self.invocation_dir)
        if isinstance(run, BatchRun):
            return self._batch_failure(run, check, verdict)
        body = verdict.violations[0].body if verdict.violations else None
        server_answer = run.server_answer(body) if body is not None and not check.phase.startswith("server-") else None
        contract = run.contract().body if check.phase == "call" else None
        path = path.resolve()
        # The reproduce line repeats the script's own settings: replay reads no settings file.
        failure = render(
            check, verdict, self.scripts[path], self.own[path], self.invocation_dir, server_answer, contract
        )
        call = run.call_of(body) if body is not None else None
        return replace(failure, output=call.output) if call is not None else failure

    def _batch_failure(self, run: BatchRun, check: Check, verdict: Verdict) -> Failure:
        from .batch import report, verdicts

        call = verdicts.first_failing(check, run) if check.phase in ("call", "repeat") else None
        failure = report.render(check, verdict, run, run.script, self.invocation_dir, call)
        return replace(failure, output=call.output) if call is not None else failure

    def warnings(self, path: Path, check: Check, verdict: Verdict) -> list[str]:
        """The warnings of a verdict: notes, advisories, what varying the samples found."""
        texts = list(verdict.warnings)
        if verdict.findings:
            # First: under -W error the first warning is the failure's headline.
            path = path.resolve()
            run = self._runs.get(path)
            if isinstance(run, BatchRun):
                from .batch import report, verdicts

                call = verdicts.first_failing(check, run, guessed=True)
                findings = report.render_findings(check, verdict.findings, run, self.invocation_dir, call)
            else:
                findings = render_findings(
                    check, verdict.findings, self.scripts[path], self.own[path], self.invocation_dir
                )
            texts.insert(0, findings)
        return [self.settings.spelled(text) for text in texts]

    def warning_location(self, path: Path) -> tuple[Path, int]:
        """Where warnings about a target point: its script's run() (line 0 when it was not imported). For a
        deployment spec, the script it names, not a line of the YAML file (which held no such line)."""
        script = self.scripts[path.resolve()].path
        run = self._runs.get(path.resolve())
        imported = run.evidence().imported if run is not None else None
        return script, imported.run_line if imported is not None else 0

    def notes(self, path: Path) -> list[str]:
        """What the summary says of a script's deployment and environment (nothing before its run starts)."""
        hint = self.hints.get(path.resolve())
        run = self._runs.get(path.resolve())
        return ([hint] if hint else []) + (list(run.deployed.notes()) if run is not None else [])

    def sent(self, shown_as: str, notes: Iterable[str], sent: Mapping[str, int]) -> list[str]:
        """A script's lines of the summary: its notes, then how many bodies each phase sent (what a
        green run tested). From what the checks' records carried, so that xdist's controller, which
        ran no check itself, prints them too."""
        lines = [f"{shown_as}: {note}" for note in notes]
        counts = ", ".join(
            f"{sent[phase]} {plural(sent[phase], *names)}" for phase, names in _PHASE_NAMES.items() if sent.get(phase)
        )
        if counts:
            script = next((s for s in self.scripts.values() if s.shown_as == shown_as), None)
            batch = script is not None and script.kind == "batch"
            kind = f", a batch script ({script.kind_reason})" if script is not None and batch else ""
            lines.append(f"{shown_as}{kind}: {counts}")
        return lines

    def figures(self, path: Path) -> dict[str, Any]:
        """What the reports show of a script besides its checks: timings, latency, memory, coverage, bodies sent.

        Only what was gathered already: asking must not start a worker."""
        from .reporting.figures import latency_ms, memory_mb

        path = path.resolve()
        script = self.scripts[path]
        settings = script.settings_for(self.own[path])
        run = self._runs.get(path)
        evidence = run.evidence() if run is not None else None
        imported = evidence.imported if evidence is not None else None
        init = evidence.initialized if evidence is not None else None
        calls = evidence.calls if isinstance(evidence, Evidence) else ()
        return {
            "kind": script.kind,
            "timings": {
                "import_s": round(imported.elapsed, 4) if imported is not None else None,
                "init_s": round(init.elapsed, 4) if init is not None else None,
            },
            "latency_ms": latency_ms(calls),
            "memory_mb": memory_mb(init, calls) if isinstance(evidence, Evidence) else None,
            "coverage": run.measurement.figures() if run is not None and run.measurement is not None else None,
            "sent": dict(run.sent) if run is not None else {},
            "budgets": {
                "latency_p99_ms": settings.latency_p99_ms,
                "max_memory_mb": settings.max_memory_mb,
                "workers": settings.server_workers,
            },
        }

    def coverage_reports(self, terminal: IO[str]) -> list[str]:
        """coverage.py's own reports (--score-cov-report) over every script measured; where they went."""
        data = [
            run.measurement.data_file
            for run in self._runs.values()
            if run.measurement is not None and run.measurement.data_file is not None
        ]
        if self.cov_gathered is not None:
            data += sorted(self.cov_gathered.glob(".coverage.*"))
        if not self.settings.cov_reports or not data:
            return []
        from .coverage.reports import write

        return write([d for d in data if d is not None], self.settings.cov_reports, terminal)

    def close(self) -> None:
        for run in self._runs.values():
            run.close()
            if run.measurement is not None:
                run.measurement.remove()
