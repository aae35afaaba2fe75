"""pytest plugin: ``pytest --score score.py`` checks a scoring script's contract.

A thin shell over the ``score_contract`` engine: each scoring script becomes a
pytest File, each check of ``score_contract.judging.checks.CHECKS`` one Item named after
it (``score.py::run_accepts_valid_input``). Only the options module of the engine
is imported at start-up; the rest when a script is actually checked.

PYTEST_DONT_REWRITE (see score_contract/__init__.py).
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import os
import random
import shlex
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from score_contract.config import options
from score_contract.config.settings import resolve
from score_contract.core.files import writable
from score_contract.errors import UsageError

from .failures import ContractBroken, FailureRepr
from .reports import Reports

if TYPE_CHECKING:
    from collections.abc import Iterator

    from score_contract.coverage.reports import Handover
    from score_contract.judging.checks import Check
    from score_contract.session import ContractSession

SESSION: pytest.StashKey[ContractSession] = pytest.StashKey()
#: What a check's item leaves for the reports.
RECORD: pytest.StashKey[dict[str, Any]] = pytest.StashKey()
#: The name the report gatherer is registered under.
_REPORTS = "score-contract-reports"


class ScoreContractWarning(UserWarning):
    """An advisory finding about a scoring script (it does not fail the check)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("score-contract", "score-contract: check Azure ML scoring scripts")
    # Set by `score-contract check`, which runs this plugin: hints then name its own flags.
    group.addoption(options.FRONT_END_FLAG, dest="score_front_end", default="pytest", help=argparse.SUPPRESS)
    for option in options.OPTIONS:
        if option.kind == "paths":
            group.addoption(
                option.flag, action="append", dest=option.dest, default=[], metavar=option.metavar, help=option.help
            )
            parser.addini(option.ini, type="paths", default=[], help=option.help)
        elif option.kind == "flag":
            group.addoption(option.flag, action="store_true", dest=option.dest, default=None, help=option.help)
            parser.addini(option.ini, type="bool", default=False, help=option.help)
        else:
            group.addoption(option.flag, dest=option.dest, default=None, metavar=option.metavar, help=option.help)
            parser.addini(option.ini, type="string", default="", help=option.help)


def _value(config: pytest.Config, option: options.Option) -> tuple[str | None, str]:
    """The value, and what messages call it when it came from the ini file ("" when it is a flag's).

    Command line (relative to the invocation folder) beats the ini file (relative to it).
    """
    given = config.getoption(option.dest)
    if given is not None:
        return str(given), ""
    from_ini = str(_ini(config, option)).strip()
    if not from_ini:
        return None, ""
    named = _where(config, option.ini, from_ini)
    if option.kind == "path":
        base = config.inipath.parent if config.inipath else config.rootpath
        return os.path.relpath(base / from_ini, config.invocation_params.dir), named
    return from_ini, named


def _ini(config: pytest.Config, option: options.Option) -> Any:
    """``config.getini``, where a value pytest cannot convert (``score_server = "yes please"``, a
    TOML number for a string key) is a usage error naming the key and its file, not a traceback."""
    try:
        return config.getini(option.ini)
    # pytest 9.2 raises UsageError itself, with its bare reason; earlier versions TypeError/ValueError.
    except (TypeError, ValueError, pytest.UsageError) as exc:
        # pytest's message starts with the file and the key, which ours names already.
        reason = str(exc).split(f"'{option.ini}' ", 1)[-1]
        expected = " (write true or false)" if option.kind == "flag" else ""
        raise pytest.UsageError(f"{_where(config, option.ini)}: {reason}{expected}.") from None


def _where(config: pytest.Config, key: str, value: str | None = None) -> str:
    """Where an ini value was given, for messages: ``score_timeout = abc in pyproject.toml``, or
    ``-o score_timeout=abc`` when an override on the command line (or PYTEST_ADDOPTS) gave it."""
    args = [*map(str, config.invocation_params.args), *shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))]
    if any(arg.removeprefix("--override-ini=").removeprefix("-o").startswith(f"{key}=") for arg in args):
        return f"-o {key}={value}" if value is not None else f"-o {key}"
    where = os.path.relpath(config.inipath, config.invocation_params.dir) if config.inipath else "the ini file"
    return f"{key} = {value} in {where}" if value is not None else f"{key} in {where}"


def _seed(config: pytest.Config) -> int | None:
    """Hypothesis's own --hypothesis-seed; else one we pick and show, unless the
    loaded profile is derandomized (Hypothesis's ci profile), which needs none."""
    given = config.getoption("hypothesis_seed", default=None)
    if given is not None:
        try:
            return int(given)
        except ValueError:
            return int.from_bytes(str(given).encode()[:8], "big")
    from hypothesis import settings as hypothesis_settings

    profile = hypothesis_settings.default
    if profile is not None and profile.derandomize:
        return None
    return random.SystemRandom().randrange(2**32)


def pytest_configure(config: pytest.Config) -> None:
    from_cli: list[str] = config.getoption(options.SCORE.dest) or []
    scripts = from_cli or [os.path.relpath(p, config.invocation_params.dir) for p in _ini(config, options.SCORE)]
    if not scripts:
        return
    from score_contract.session import ContractSession

    given = {o.dest: _value(config, o) for o in options.OPTIONS if o.kind not in ("paths", "flag")}
    value = {dest: value for dest, (value, _) in given.items()}
    named = {dest: name for dest, (_, name) in given.items() if name}
    if not from_cli:
        named[options.SCORE.dest] = _where(config, options.SCORE.ini)
    env_rebuild = bool(config.getoption(options.ENV_REBUILD.dest)) or bool(_ini(config, options.ENV_REBUILD))
    server = bool(config.getoption(options.SERVER.dest))
    if not server and _ini(config, options.SERVER):
        server, named[options.SERVER.dest] = True, _where(config, options.SERVER.ini)
    cov = bool(config.getoption(options.COV.dest)) or bool(_ini(config, options.COV))
    try:
        settings = resolve(
            scripts=scripts,
            model_dir=value[options.MODEL_DIR.dest],
            samples=value[options.SAMPLES.dest],
            app_root=value[options.APP_ROOT.dest],
            timeout=value[options.TIMEOUT.dest],
            init_timeout=value[options.INIT_TIMEOUT.dest],
            schema=value[options.SCHEMA.dest],
            output_schema=value[options.OUTPUT_SCHEMA.dest],
            examples=value[options.EXAMPLES.dest],
            volatile_keys=value[options.VOLATILE_KEYS.dest],
            seed=_seed(config),
            server=server,
            server_workers=value[options.SERVER_WORKERS.dest],
            kind=value[options.KIND.dest],
            batch_input=value[options.BATCH_INPUT.dest],
            mini_batch_size=value[options.MINI_BATCH_SIZE.dest],
            batch_args=value[options.BATCH_ARGS.dest],
            env=value[options.ENV.dest],
            env_rebuild=env_rebuild,
            latency_p99=value[options.LATENCY_P99.dest],
            max_memory=value[options.MAX_MEMORY.dest],
            report=value[options.REPORT.dest],
            summary=value[options.SUMMARY.dest],
            cov=cov,
            cov_fail_under=value[options.COV_FAIL_UNDER.dest],
            cov_report=value[options.COV_REPORT.dest],
            base=config.invocation_params.dir,
            front_end="cli" if config.getoption("score_front_end") == "cli" else "pytest",
            named=named,
            command_line=(o.dest for o in options.OPTIONS if config.getoption(o.dest) not in (None, [])),
        )
        handover = _pytest_cov(config)
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY", "")
        if step_summary and not hasattr(config, "workerinput"):
            # Appended to at the end (reports.py): known writable now, or the session stops here.
            writable(Path(step_summary), "$GITHUB_STEP_SUMMARY", "Markdown summary")
        session = ContractSession(settings, config.invocation_params.dir, handover)
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SESSION] = session
    session.progress = lambda line: _progress(config, line)
    session.status = lambda line: _status(config, line)
    if session.cov_reports:
        _share_coverage(config, session)
    config.pluginmanager.register(Reports(config, session), _REPORTS)
    config.add_cleanup(session.close)
    _collect_scripts(config, [str(p) for p in settings.scripts], only=bool(from_cli))


def _pytest_cov(config: pytest.Config) -> Handover | None:
    """pytest-cov's data file and mode, when it measures this session (``--cov``): the scripts' lines
    reached by the gate then count in its numbers (see score_contract.coverage.reports).

    pytest-cov has no public API for it: its plugin's controller holds the coverage.Coverage object,
    asked through coverage.py's public ``get_option``."""
    plugin = config.pluginmanager.get_plugin("_cov")
    cov = getattr(getattr(plugin, "cov_controller", None), "cov", None)
    if cov is None or not hasattr(cov, "get_option"):
        return None
    from score_contract.coverage.reports import Handover

    data_file = config.invocation_params.dir / str(cov.get_option("run:data_file"))
    return Handover(str(data_file), bool(cov.get_option("run:branch")))


def _progress(config: pytest.Config, line: str) -> None:
    """A long step (building an environment, waiting for another session's build of it), as it happens.
    The installers' own output is not streamed: it is kept for the failure text."""
    _terminal_line(config, f"score-contract: {line}")


def _status(config: pytest.Config, line: str) -> None:
    """How a long search or server boot is going."""
    _terminal_line(config, f"score-contract: {line}")


def _terminal_line(config: pytest.Config, text: str) -> None:
    """``text`` written now, past pytest's capture, as its live logging is: on a terminal and in a CI log
    alike, where minutes of silence look like a hang. The engine says at most one line every few seconds
    (exploration.ticker's cadence), so a log stays short."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        # Under -q the progress dots have no file name before them, and ensure_newline starts a new line only
        # after one: a line of ours would follow the dots. (pytest's live logging writes a newline too.)
        reporter.ensure_newline()
        if getattr(getattr(reporter, "_tw", None), "width_of_current_line", 0):
            reporter.write("\n")
        reporter.write_line(text)


_COV_SHARE = "score_contract_cov_share"


def _share_coverage(config: pytest.Config, session: ContractSession) -> None:
    """Under xdist, --score-cov-report is written by the controller, which runs no script: each
    worker leaves its scripts' coverage data in a folder the controller made and named to it."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        shared = workerinput.get(_COV_SHARE)
        session.cov_share = Path(shared) if shared else None
        return
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="score-contract-cov-share-"))
    session.cov_gathered = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    contract = node.config.stash.get(SESSION, None)
    if contract is not None and contract.cov_gathered is not None:
        node.workerinput[_COV_SHARE] = str(contract.cov_gathered)


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    # After Hypothesis's own sessionstart: from here on it may draw examples.
    contract = session.config.stash.get(SESSION, None)
    if contract is not None:
        try:
            contract.verify()
        except UsageError as exc:
            raise pytest.UsageError(str(exc)) from None


def _collect_scripts(config: pytest.Config, scripts: list[str], only: bool) -> None:
    """Make pytest collect the scripts.

    ``pytest --score x.py`` with no test paths checks the contract only; with test
    paths (or scripts from the ini file) the scripts are collected beside them.
    """
    if only and config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = scripts
        return
    given = {str(Path(config.invocation_params.dir, a.split("::")[0]).resolve()) for a in config.args}
    config.args = [*config.args, *(s for s in scripts if s not in given)]


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    session = config.stash.get(SESSION, None)
    if session is None:
        return None
    from score_contract.serving.loader import versions

    seed = session.settings.seed
    search = (
        f"Hypothesis seed {seed} (repeat with {session.settings.seed_flag}{seed})"
        if seed is not None
        else "Hypothesis derandomized (its ci profile)"
    )
    return [
        versions(),
        f"scoring scripts: {', '.join(s.shown_as for s in session.scripts.values())}",
        f"score-contract: {session.settings.examples} generated bodies a script; {search}",
        *(
            [f"score-contract: the official server too, {session.settings.server_workers} worker(s), on 127.0.0.1"]
            if session.settings.server
            else []
        ),
        *(f"score-contract: {hint}" for hint in session.hints.values()),
        *(f"score-contract: {line}" for line in session.environment_lines()),
    ]


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    # Where pytest's python plugin would collect the script (it was named on the
    # command line, or matches python_files), it must never import it as a test module.
    session = parent.config.stash.get(SESSION, None)
    if session is not None and session.wants(module_path):
        return ScoreFile.from_parent(parent, path=module_path)
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    # A script inside a collected folder (`pytest tests --score tests/app/score.py`)
    # is no initial path any more: pytest folds it into the folder, and the python
    # plugin ignores it unless it matches python_files.
    session = parent.config.stash.get(SESSION, None)
    if session is None or not session.wants(file_path):
        return None
    if file_path.suffix == ".py" and _python_collects(file_path, parent):
        return None  # a deployment spec is never the python plugin's
    return ScoreFile.from_parent(parent, path=file_path)


def _python_collects(path: Path, parent: pytest.Collector) -> bool:
    """Whether pytest's python plugin collects ``path`` (then makemodule above takes it)."""
    if parent.session.isinitpath(path):
        return True
    for pattern in parent.config.getini("python_files"):
        # pytest's fnmatch_ex: a pattern without a separator matches the file name.
        if os.sep not in pattern:
            if fnmatch.fnmatch(path.name, pattern):
                return True
        elif fnmatch.fnmatch(str(path), pattern if os.path.isabs(pattern) else f"*{os.sep}{pattern}"):
            return True
    return False


def pytest_collection_finish(session: pytest.Session) -> None:
    contract = session.config.stash.get(SESSION, None)
    if contract is not None and not session.config.option.collectonly:  # --collect-only starts and builds nothing
        # An xdist worker collects every item but runs only those the controller sends it: starting
        # the first script's worker now could start one for a script another xdist worker runs.
        # What it runs next is known one item ahead (pytest_runtest_protocol below); the count of
        # checks per script holds, since each script's checks all go to one xdist worker.
        ahead = not hasattr(session.config, "workerinput")
        contract.schedule((item.path for item in session.items if isinstance(item, ScoreItem)), ahead=ahead)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    contract = item.config.stash.get(SESSION, None)
    if contract is not None and isinstance(nextitem, ScoreItem) and nextitem.path != item.path:
        # The next script's import overlaps this last check of the previous one (under xdist, the
        # only look ahead there is: the controller sends a script's checks when it is nearly done).
        contract.start(nextitem.path)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    contract = config.stash.get(SESSION, None)
    if contract is None or config.getvalue("dist") != "load":
        return None
    from .distribution import ScriptScheduling

    return ScriptScheduling(config, log, lambda file: contract.wants(config.rootpath / file))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    config = terminalreporter.config
    contract = config.stash.get(SESSION, None)
    # From the records the test reports carry, which reach xdist's controller too.
    reports = config.pluginmanager.get_plugin(_REPORTS)
    lines = reports.sent() if isinstance(reports, Reports) else []
    if lines:
        terminalreporter.write_sep("-", "score-contract: bodies sent")
        for line in lines:
            terminalreporter.write_line(line)
    if isinstance(reports, Reports):
        from score_contract.judging.figures import summary_line

        figures = [summary_line(shown, found) for shown, found in reports.figures.items()]
        if any(figures):
            terminalreporter.write_sep("-", "score-contract: latency and memory")
            for line in filter(None, figures):
                terminalreporter.write_line(line)
    if contract is not None and contract.measures_coverage:
        _coverage_summary(terminalreporter, contract)


def _coverage_summary(terminalreporter: Any, contract: ContractSession) -> None:
    """One line per script (from the figures the reports carry: under xdist, the workers'), then
    coverage.py's own reports (--score-cov-report)."""
    from score_contract.coverage.results import summary_line

    reports = terminalreporter.config.pluginmanager.get_plugin(_REPORTS)
    figures = reports.figures if reports is not None else {}
    lines = [summary_line(shown, found["coverage"]) for shown, found in figures.items() if found.get("coverage")]
    if contract.cov_reports:
        terminal = io.StringIO()
        written = contract.coverage_reports(terminal)
        lines += terminal.getvalue().splitlines() + written
    if lines:
        terminalreporter.write_sep("-", "score-contract: coverage")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    record = item.stash.get(RECORD, None)
    if report.when == "call" and isinstance(item, ScoreItem) and record is not None:
        # An attribute of the report, not a user property: xdist carries the report's own
        # attributes to the controller, and user properties would land in the JUnit file.
        script = item.config.stash[SESSION].scripts[item.path.resolve()].shown_as
        report.score_contract = {
            "script": script,
            "check": record,
            "figures": item.config.stash[SESSION].figures(item.path),
            "notes": item.config.stash[SESSION].notes(item.path),
        }
    return report


@pytest.hookimpl(wrapper=True)
def pytest_report_to_serializable(report: pytest.TestReport | pytest.CollectReport) -> Any:
    data = yield
    if isinstance(data, dict) and isinstance(report.longrepr, FailureRepr):
        data["longrepr"] = report.longrepr.to_json()
    return data


@pytest.hookimpl(wrapper=True)
def pytest_report_from_serializable(data: dict[str, Any]) -> Any:
    report = yield
    # pytest leaves a longrepr it does not know as the dict it was sent as.
    longrepr = getattr(report, "longrepr", None)
    if isinstance(longrepr, dict):
        failure = FailureRepr.from_json(longrepr)
        if failure is not None:
            report.longrepr = failure
    return report


class ScoreFile(pytest.File):
    """A scoring script: one item per check of the contract."""

    def collect(self) -> Iterator[pytest.Item]:
        reason = self.config.stash[SESSION].nothing_to_gate(self.path)
        if reason:
            # One skipped item for the target: a run over only such targets exits 0, as a gate that found nothing
            # wrong must, not 5 ("no tests collected"), which a collection-time skip would give.
            yield NothingToGate.from_parent(self, name="has_a_scoring_script", reason=reason)
            return
        for check in self.config.stash[SESSION].checks(self.path):
            yield ScoreItem.from_parent(self, name=check.name, check=check)


class NothingToGate(pytest.Item):
    """A target with no scoring script of its own (a no-code MLflow deployment, a pipeline component): skipped."""

    def __init__(self, *, reason: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reason = reason

    def runtest(self) -> None:
        raise pytest.skip.Exception(self.reason, _use_item_location=True)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.name


class ScoreItem(pytest.Item):
    """One check of one script; its name is the check's sentence-name."""

    def __init__(self, *, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check

    def runtest(self) -> None:
        contract = self.config.stash[SESSION]
        try:
            verdict = contract.judge(self.path, self.check)
        finally:
            contract.done(self.path)
        script_file, line = contract.warning_location(self.path)
        texts = contract.warnings(self.path, self.check, verdict)
        self._record(verdict.outcome, texts, reason=verdict.reason)
        for text in texts:
            # In the JUnit file too, where CI tools show a testcase's properties.
            self.user_properties.append(("score-contract warning", text))
            try:
                # Attributed to the script's run(), not to this line of ours.
                warnings.warn_explicit(ScoreContractWarning(text), ScoreContractWarning, str(script_file), line)
            except ScoreContractWarning:
                # -W error / filterwarnings = error: the warning fails its check, as plain text.
                where = f"{self.script_id}:{line}" if line else self.script_id
                self._record("failed", texts, headline=text.splitlines()[0])
                raise ContractBroken(text.splitlines()[0], text, where) from None
        if verdict.outcome == "skipped":
            pointer = f"; see {self.script_id}::{verdict.blocked_by}" if verdict.blocked_by else ""
            # Report the skip at the script, as pytest does for skip marks, not at this line.
            raise pytest.skip.Exception(f"{verdict.reason}{pointer}", _use_item_location=True)
        if verdict.outcome == "failed":
            failure = contract.failure(self.path, self.check, verdict)
            self._record(
                "failed",
                texts,
                headline=failure.headline,
                body=failure.body,
                body_label=failure.body_label,
                reproduce=failure.reproduce,
            )
            if failure.output:
                # pytest shows it as "Captured stdout and stderr of score.py call", and so does the JUnit file.
                self.add_report_section("call", f"stdout and stderr of {self.path.name}", failure.output)
            raise ContractBroken(failure.headline, failure.text, failure.location)

    def _record(self, outcome: str, warnings: list[str], **found: str) -> None:
        from score_contract.reporting.records import check_record

        self.stash[RECORD] = check_record(self.check.name, self.check.sentence, outcome, warnings=warnings, **found)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ContractBroken):
            # pytest passes no style for a failure in the call phase: --tb is the user's choice.
            tbstyle = style or self.config.getoption("tbstyle", "auto")
            return FailureRepr.of(excinfo.value, tbstyle)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        # The label heads the failure section. It must not be a suffix of the node
        # id: pytest's verbose lines would turn its dots into "::" ("score::py").
        return self.path, 0, f"{self.name} ({self.script_id})"

    @property
    def script_id(self) -> str:
        """The node id of the script this check belongs to."""
        return self.nodeid.rsplit("::", 1)[0]
