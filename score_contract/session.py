"""A contract run over several scripts: what the shells (pytest plugin, CLI) hold.

It plans each script up front (so bad samples are usage errors before anything
runs), starts workers ahead of need so that one script's start-up overlaps
another's checks, and stops each worker as soon as its last check is done.
"""

from __future__ import annotations

import hashlib
import importlib
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from .config.options import COV_REPORT, SERVER
from .config.settings import Settings
from .core.wording import plural
from .coverage.reports import Handover, Requested, parse, write
from .errors import UsageError
from .inputs.schema_files import check_satisfiable
from .judging.checks import Check
from .judging.verdicts import Verdict
from .official import server as official
from .pipeline import judge as pipeline
from .pipeline.context import RunContext
from .pipeline.failures import Failure
from .pipeline.kind import Kind
from .pipeline.run import WorkerRun
from .planning.own import own_settings
from .planning.script import Script, plan
from .planning.targets import environment_hint

#: Every kind of run, by Script.kind: where it is defined. A new kind is one more entry here and a package of its own.
#: Imported when a script of that kind is checked: most runs check online scripts alone (a kind is ~10 ms of import).
KINDS: dict[str, tuple[str, str]] = {
    "online": ("score_contract.online.kind", "ONLINE"),
    "batch": ("score_contract.batch.kind", "BATCH"),
    "comparison": ("score_contract.comparison.kind", "COMPARISON"),
}


def kind_named(name: str) -> Kind:
    module, attribute = KINDS[name]
    kind: Kind = getattr(importlib.import_module(module), attribute)
    return kind


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
    "traffic": ("production request", "production requests"),
    "baseline": ("body of the baseline's", "bodies of the baseline's"),
}


class ContractSession:
    def __init__(self, settings: Settings, invocation_dir: Path, handover: Handover | None = None) -> None:
        """``handover``: pytest-cov's data file, when pytest-cov measures in the same session."""
        if settings.server and not official.server_installed():
            shown = dict(settings.named).get(SERVER.dest) or settings.flag(SERVER)
            raise UsageError(
                f"{shown} boots the official server, which is not installed: pip install azureml-inference-server-http"
            )
        self.settings = settings
        self.invocation_dir = invocation_dir
        self.handover = handover
        #: coverage.py's reports asked for (--score-cov-report), read and checked before anything runs.
        self.cov_reports: tuple[Requested, ...] = (
            parse(settings.cov_report, invocation_dir, settings.shown(COV_REPORT, settings.cov_report))
            if settings.cov_report
            else ()
        )
        #: Each target's settings: the run's, with the settings file in its folder applied.
        self.own: dict[Path, Settings] = {p: own_settings(settings, p, invocation_dir) for p in settings.scripts}
        self.scripts: dict[Path, Script] = {p: plan(self.own[p], p, invocation_dir) for p in settings.scripts}
        #: A likely environment file beside a plain script, which is not used: how to use it.
        self.hints: dict[Path, str] = {
            p: hint for p in settings.scripts if (hint := environment_hint(self.own[p], p, invocation_dir))
        }
        self._runs: dict[Path, WorkerRun] = {}
        #: Runs lent to contract tests (see lend): closed with the session, not after their last check.
        self._lent: set[Path] = set()
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
            check_satisfiable(script.schema, script.schema_origin)

    def wants(self, path: Path) -> bool:
        return path.resolve() in self.scripts

    @property
    def measures_coverage(self) -> bool:
        """Coverage of the scripts is measured: asked for, or implied by pytest-cov's --cov."""
        return self.settings.measures_coverage or self.handover is not None

    def kind(self, path: Path) -> Kind:
        return kind_named(self.scripts[path.resolve()].kind)

    def run(self, path: Path) -> WorkerRun:
        path = path.resolve()
        if path not in self._runs:
            script = self.scripts[path]
            context = RunContext(self.progress, self.status, self.handover)
            self._runs[path] = self.kind(path).run(script, script.settings_for(self.own[path]), context)
        return self._runs[path]

    def lend(self, path: Path) -> WorkerRun | None:
        """The gate's run of an online target, for a contract test of the same script (score_contract.api): kept
        until the session ends, its worker too, so that init() is not paid twice. None for another kind."""
        path = path.resolve()
        script = self.scripts.get(path)
        if script is None or script.kind != "online" or script.nothing_to_gate:
            return None
        self._lent.add(path)
        return self.run(path)

    def nothing_to_gate(self, path: Path) -> str:
        """Why a target has no scoring script to check ("" when it has one)."""
        script = self.scripts.get(path.resolve())
        return script.nothing_to_gate if script is not None else ""

    def checks(self, path: Path) -> tuple[Check, ...]:
        """The checks of one target: its deployment's and environment's, its kind's own, then coverage's."""
        script = self.scripts[path.resolve()]
        if script.nothing_to_gate:
            return ()
        return pipeline.checks(self.kind(path), script, script.settings_for(self.own[path.resolve()]))

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
        return pipeline.judge(self.kind(path), check, self.run(path))

    def done(self, path: Path) -> None:
        """One scheduled check of ``path`` finished; stop its worker after the last."""
        path = path.resolve()
        self._pending[path] -= 1
        if self._pending[path] <= 0 and path in self._runs and path not in self._lent:
            run = self._runs[path]
            run.close()
            data = run.measurement.data_file if run.measurement is not None else None
            if self.cov_share is not None and data is not None:
                # An xdist worker: the controller writes --score-cov-report from every worker's data.
                digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
                shutil.copyfile(data, self.cov_share / f".coverage.{digest}")

    def failure(self, path: Path, check: Check, verdict: Verdict) -> Failure:
        path = path.resolve()
        # The reproduce line repeats the script's own settings: replay reads no settings file.
        return pipeline.failure(
            self.kind(path), check, verdict, self.run(path), self.scripts[path], self.own[path], self.invocation_dir
        )

    def warnings(self, path: Path, check: Check, verdict: Verdict) -> list[str]:
        """The warnings of a verdict: notes, advisories, what varying the samples found."""
        texts = list(verdict.warnings)
        if verdict.findings:
            # First: under -W error the first warning is the failure's headline.
            path = path.resolve()
            found = self.kind(path).findings(
                check, verdict, self.run(path), self.scripts[path], self.own[path], self.invocation_dir
            )
            texts.insert(0, found)
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
        path = path.resolve()
        script = self.scripts[path]
        settings = script.settings_for(self.own[path])
        run = self._runs.get(path)
        evidence = run.evidence() if run is not None else None
        imported = evidence.imported if evidence is not None else None
        init = evidence.initialized if evidence is not None else None
        measured = self.kind(path).figures(run) if run is not None else {"latency_ms": None, "memory_mb": None}
        return {
            "kind": script.kind,
            "timings": {
                "import_s": round(imported.elapsed, 4) if imported is not None else None,
                "init_s": round(init.elapsed, 4) if init is not None else None,
            },
            **measured,
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
        if not self.cov_reports or not data:
            return []
        return write([d for d in data if d is not None], self.cov_reports, terminal)

    def close(self) -> None:
        for run in self._runs.values():
            run.close()
            if run.measurement is not None:
                run.measurement.remove()
