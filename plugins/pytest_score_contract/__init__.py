"""pytest plugin: ``pytest --score score.py`` checks a scoring script's contract.

A thin shell over the ``score_contract`` engine: each scoring script becomes a
pytest File, each check of ``score_contract.judging.checks.CHECKS`` one Item named after
it (``score.py::run_accepts_valid_input``). Only the options module of the engine
is imported at start-up; the rest when a script is actually checked (pytest_configure
with scripts to check) or the ``score_script`` fixture is first used.

PYTEST_DONT_REWRITE (see score_contract/__init__.py).
"""

from __future__ import annotations

import argparse
import fnmatch
import functools
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from score_contract.config import options
from score_contract.errors import UsageError

from . import terminal
from .failures import FailureRepr
from .fixtures import score_script as score_script  # the fixture contract tests use
from .ini import SEED, ini_value, seed, value_of, where
from .items import NothingToGate, ScoreFile, ScoreItem
from .keys import _REPORTS, RECORD, SESSION
from .keys import ScoreContractWarning as ScoreContractWarning  # -W error::pytest_score_contract.ScoreContractWarning
from .reports import Reports

if TYPE_CHECKING:
    from score_contract.coverage.reports import Handover
    from score_contract.session import ContractSession


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


def pytest_configure(config: pytest.Config) -> None:
    from_cli: list[str] = config.getoption(options.SCORE.dest) or []
    scripts = from_cli or [os.path.relpath(p, config.invocation_params.dir) for p in ini_value(config, options.SCORE)]
    if not scripts:
        return
    # Only now: every test run on a machine with score-contract installed imports this plugin, and pays for what
    # it imports at start-up (bench/plugin_import.py; tests/test_plugin_import.py).
    from score_contract.config.settings import resolve
    from score_contract.core.files import writable
    from score_contract.session import ContractSession

    given = {o.dest: value_of(config, o) for o in options.OPTIONS if o.kind not in ("paths", "flag")}
    value = {dest: value for dest, (value, _) in given.items()}
    named = {dest: name for dest, (_, name) in given.items() if name}
    if not from_cli:
        named[options.SCORE.dest] = where(config, options.SCORE.ini)
    env_rebuild = bool(config.getoption(options.ENV_REBUILD.dest)) or bool(ini_value(config, options.ENV_REBUILD))
    server = bool(config.getoption(options.SERVER.dest))
    if not server and ini_value(config, options.SERVER):
        server, named[options.SERVER.dest] = True, where(config, options.SERVER.ini)
    cov = bool(config.getoption(options.COV.dest)) or bool(ini_value(config, options.COV))
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
            seed=seed(config),
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
            **{o.ini.removeprefix("score_"): value[o.dest] for o in options.COMPARISON},
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
    session.progress = lambda line: terminal.progress(config, line)
    session.status = lambda line: terminal.status(config, line)
    if session.cov_reports:
        _share_coverage(config, session)
    config.pluginmanager.register(Reports(config, session), _REPORTS)
    if getattr(config.option, "splits", None):
        from .sharding import WholeScripts, splitting

        if splitting(config):
            config.pluginmanager.register(WholeScripts(lambda item: _script_of(session, item)))
    if not hasattr(config, "workerinput"):
        from .durations import Durations

        # Where every report arrives (xdist's controller too): each script's duration, for the next run under -n.
        config.pluginmanager.register(Durations(config, _is_target(config, session)))
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
    if contract is None:
        return
    # The seed the header shows is the one every worker searches with (each would pick its own otherwise).
    node.workerinput[SEED] = contract.settings.seed
    if contract.cov_gathered is not None:
        node.workerinput[_COV_SHARE] = str(contract.cov_gathered)


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    # After Hypothesis's own sessionstart: from here on it may draw examples.
    contract = session.config.stash.get(SESSION, None)
    # An xdist worker's input was verified by the controller, where a usage error reads as one line.
    if contract is not None and not hasattr(session.config, "workerinput"):
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
    from score_contract.core.versions import versions

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


def _is_target(config: pytest.Config, contract: ContractSession) -> Callable[[str], bool]:
    """Whether the file part of a node id is a target. Remembered: xdist's scheduler asks for every item and the
    durations for every report, and each answer resolves a path (a tenth of a second over 8 scripts)."""
    return functools.cache(lambda file: contract.wants(config.rootpath / file))


def _script_of(contract: ContractSession, item: pytest.Item) -> str | None:
    """The target a check belongs to (None for the user's own tests)."""
    return str(item.path) if isinstance(item, ScoreItem | NothingToGate) and contract.wants(item.path) else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The whole run, after -k/-m and before pytest-split takes this shard's part (sharding.py says why it is before).
    if SESSION in config.stash and getattr(config.option, "splits", None):
        from .sharding import WHOLE_RUN

        config.stash[WHOLE_RUN] = list(items)


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
    if contract is None:
        return
    if isinstance(nextitem, ScoreItem) and nextitem.path != item.path:
        # The next script's import overlaps this last check of the previous one.
        contract.start(nextitem.path)
    if hasattr(item.config, "workerinput"):
        from .distribution import sent_ahead

        # An xdist worker is sent its next script while it runs the current one (distribution.py): the
        # next script's worker process starts now, not when its first check is next. Only the next one: a
        # --dist that sends a worker many scripts at once (worksteal) must not start them all.
        ahead = next((q for q in sent_ahead(item.session) if isinstance(q, ScoreItem) and q.path != item.path), None)
        if ahead is not None:
            contract.start(ahead.path)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    contract = config.stash.get(SESSION, None)
    if contract is None or config.getvalue("dist") != "load":
        return None
    from .distribution import ScriptScheduling
    from .durations import known

    return ScriptScheduling(config, log, _is_target(config, contract), known(config))


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
        from score_contract.comparison.report import summary_line as compared

        lines = [line for shown, found in reports.figures.items() for line in compared(shown, found)]
        if lines:
            terminalreporter.write_sep("-", "score-contract: comparison")
            for line in lines:
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
