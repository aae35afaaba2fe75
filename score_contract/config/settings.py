"""The settings of a contract run: the options' values, validated. The options themselves are in
:mod:`score_contract.config.options`; what they mean for one script (its deployment, samples, contract files, kind)
is planned by :mod:`score_contract.planning`, above: these are values, and know nothing of those.

Precedence is command line > ini file > default, as in pytest-timeout; a script's own settings file
(:mod:`score_contract.settings_file`) sits between the command line and the ini file.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.compare import parse_volatile
from ..core.files import writable
from ..core.tolerance import Tolerance, parse_tolerance
from ..errors import UsageError
from .comparing import baseline_target, existing
from .options import (
    APP_ROOT,
    BASELINE,
    BASELINE_MODEL_DIR,
    BATCH_ARGS,
    BATCH_INPUT,
    COV_FAIL_UNDER,
    DEFAULT_EXAMPLES,
    DEFAULT_INIT_TIMEOUT,
    DEFAULT_TIMEOUT,
    DEFAULT_TRAFFIC_LIMIT,
    ENV,
    EXAMPLES,
    INIT_TIMEOUT,
    KIND,
    LATENCY_P99,
    MAX_MEMORY,
    MINI_BATCH_SIZE,
    MODEL_DIR,
    OUTPUT_SCHEMA,
    REPORT,
    SAMPLES,
    SCHEMA,
    SCORE,
    SERVER_WORKERS,
    SPEC_SUFFIXES,
    SUMMARY,
    TIMEOUT,
    TOLERANCE,
    TRAFFIC,
    TRAFFIC_LIMIT,
    FrontEnd,
    Option,
    spelled,
)


@dataclass(frozen=True)
class Settings:
    """Validated settings of one contract run."""

    scripts: tuple[Path, ...] = ()
    model_dir: Path | None = None
    samples: Path | None = None
    app_root: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    init_timeout: float = DEFAULT_INIT_TIMEOUT
    schema: Path | None = None
    output_schema: Path | None = None
    examples: int = DEFAULT_EXAMPLES
    #: Hypothesis seed; None: Hypothesis decides (derandomized under its ci profile).
    seed: int | None = None
    volatile_keys: tuple[tuple[str, ...], ...] = ()
    #: Boot the official server too, with this many workers.
    server: bool = False
    server_workers: int = 1
    #: online, batch or auto (--score-kind); what a batch script is given, and how many files at a time.
    kind: str = "auto"
    batch_input: str = "files"
    mini_batch_size: int = 10
    #: The arguments a batch job passes to its script (--score-batch-args), split as a shell splits them.
    batch_args: tuple[str, ...] = ()
    #: Budgets (None: not set): run()'s p99 in milliseconds, peak RSS × workers in megabytes.
    latency_p99_ms: float | None = None
    max_memory_mb: float | None = None
    #: Where to write the JSON report and the Markdown summary (None: not asked for).
    report: Path | None = None
    summary: Path | None = None
    #: Which front end runs the gate: hints name its flags (--score-schema, or --schema for the CLI).
    front_end: FrontEnd = "pytest"
    #: The environment file to build the script's Python from (--score-env), and whether to rebuild it.
    env_file: Path | None = None
    env_rebuild: bool = False
    #: The options given explicitly (by dest): a deployment spec's values never override them.
    given: frozenset[str] = frozenset()
    #: How messages name a value given elsewhere than as a flag (by option dest), e.g.
    #: ``score_timeout = 2 in pytest.ini`` or ``timeout = 2 in app/score-contract.toml``.
    named: tuple[tuple[str, str], ...] = ()
    #: --score-cov: measure coverage; the minimum percent (--score-cov-fail-under); coverage.py's reports.
    cov: bool = False
    cov_fail_under: float | None = None
    #: --score-cov-report as given ("term,xml:cov.xml"): which reports, read by the run's planning
    #: (score_contract.planning.run), which names the coverage formats.
    cov_report: str = ""
    #: --score-baseline: "git:REF", or the old version's script or deployment spec (an absolute path); "" for none.
    baseline: str = ""
    baseline_model_dir: Path | None = None
    #: --score-traffic: production's requests (and responses) to replay, and how many at most.
    traffic: Path | None = None
    traffic_limit: int = DEFAULT_TRAFFIC_LIMIT
    #: How two answers are compared (--score-tolerance), and the paths that may change (--score-accept-changes).
    tolerance: Tolerance = Tolerance()
    accept_changes: tuple[str, ...] = ()

    @property
    def measures_coverage(self) -> bool:
        return self.cov or self.cov_fail_under is not None or bool(self.cov_report)

    #: Those of them given on the command line: a script's settings file does not override them either.
    command_line: frozenset[str] = frozenset()

    def flag(self, option: Option) -> str:
        """How the user spells ``option`` in this front end."""
        return spelled(option.flag, self.front_end)

    def spelled(self, text: str) -> str:
        """``text`` with our flags spelled as this front end takes them."""
        return spelled(text, self.front_end)

    def shown(self, option: Option, value: object) -> str:
        """How messages name the value of ``option``: where it was given, else as its flag."""
        return dict(self.named).get(option.dest) or f"{self.flag(option)} {value}"

    @property
    def seed_flag(self) -> str:
        return "--seed " if self.front_end == "cli" else "--hypothesis-seed="


def script_path(value: str, base: Path, shown: str = "") -> Path:
    """``shown``: what messages call the value (default: the value itself); so for every validator below."""
    shown = shown or value
    path = (base / value).resolve() if not os.path.isabs(value) else Path(value).resolve()
    if not path.exists():
        raise UsageError(f"{shown}: no such scoring script.")
    if path.is_dir():
        raise UsageError(f"{shown}: is a folder; give the scoring script itself, e.g. {value.rstrip('/')}/score.py.")
    if path.suffix.lower() in SPEC_SUFFIXES:
        return path  # a deployment spec: read when the script is planned
    if path.suffix != ".py":
        raise UsageError(
            f"{shown}: a scoring script is a .py file (or give a deployment spec: a deployment YAML,"
            " an inference configuration JSON)."
        )
    return path


def folder(value: str, base: Path, what: str, shown: str = "") -> Path:
    path = (base / value).resolve()
    if not path.exists():
        raise UsageError(f"{shown or value}: the {what} does not exist.")
    if not path.is_dir():
        raise UsageError(f"{shown or value}: the {what} is not a folder.")
    return path


def count(value: object, shown: str, least: int = 0, rule: str = "") -> int:
    """A whole number of at least ``least``; ``rule`` says why in the message (one rule, one message)."""
    try:
        number = int(str(value))
    except ValueError:
        raise UsageError(f"{shown}: not a whole number.") from None
    if number < least:
        raise UsageError(f"{shown}: {rule or f'must be {least} or more'}.")
    return number


def existing_file(value: str, base: Path, what: str, shown: str = "") -> Path:
    path = base / value
    if not path.exists():
        raise UsageError(f"{shown or value}: the {what} does not exist.")
    if path.is_dir():
        raise UsageError(f"{shown or value}: the {what} is a folder, not a file.")
    return path


def seconds(value: object, shown: str) -> float:
    return amount(value, shown, "seconds")


def amount(value: object, shown: str, unit: str) -> float:
    """A positive, finite number of ``unit`` (a budget)."""
    try:
        number = float(str(value))
    except ValueError:
        raise UsageError(f"{shown}: not a number of {unit}.") from None
    if not number > 0 or math.isinf(number):
        raise UsageError(f"{shown}: must be a positive number of {unit}.")
    return number


def resolve(
    *,
    scripts: list[str],
    model_dir: str | None = None,
    samples: str | None = None,
    app_root: str | None = None,
    timeout: object = None,
    init_timeout: object = None,
    schema: str | None = None,
    output_schema: str | None = None,
    examples: object = None,
    seed: int | None = None,
    volatile_keys: str | None = None,
    server: bool = False,
    server_workers: object = None,
    kind: str | None = None,
    batch_input: str | None = None,
    mini_batch_size: object = None,
    batch_args: str | None = None,
    env: str | None = None,
    env_rebuild: bool = False,
    latency_p99: object = None,
    max_memory: object = None,
    report: str | None = None,
    summary: str | None = None,
    cov: bool = False,
    cov_fail_under: object = None,
    cov_report: str | None = None,
    baseline: str | None = None,
    baseline_model_dir: str | None = None,
    traffic: str | None = None,
    traffic_limit: object = None,
    tolerance: str | None = None,
    accept_changes: str | None = None,
    base: Path,
    front_end: FrontEnd = "pytest",
    named: Mapping[str, str] | None = None,
    command_line: Iterable[str] = (),
) -> Settings:
    """Validate raw option values (relative paths are taken from ``base``).

    ``front_end`` decides how messages spell the options (--score-timeout, or --timeout for the CLI).
    ``named``, by option dest: what messages call a value given elsewhere than as a flag — from the ini
    file, ``score_timeout = abc in pyproject.toml``; for the scripts, ``score_paths in pytest.ini``.
    ``command_line``: the dests of the options given on the command line (the rest came from an ini file).
    """
    named = named or {}

    def given(option: Option, value: object) -> str:
        """A path is named by itself, any other value by its flag."""
        shown = value if option.kind in ("path", "paths") else f"{spelled(option.flag, front_end)} {value}"
        return named.get(option.dest) or str(shown)

    scripts_from = named.get(SCORE.dest)
    paths = tuple(dict.fromkeys(script_path(s, base, f"{s} ({scripts_from})" if scripts_from else s) for s in scripts))
    samples_path = None
    if samples:
        samples_path = base / samples
        if not samples_path.exists():
            raise UsageError(f"{given(SAMPLES, samples)}: the samples path does not exist.")
    return Settings(
        scripts=paths,
        model_dir=folder(model_dir, base, "model folder", given(MODEL_DIR, model_dir)) if model_dir else None,
        samples=samples_path,
        app_root=folder(app_root, base, "app root", given(APP_ROOT, app_root)) if app_root else None,
        timeout=seconds(timeout, given(TIMEOUT, timeout)) if timeout not in (None, "") else DEFAULT_TIMEOUT,
        init_timeout=(
            seconds(init_timeout, given(INIT_TIMEOUT, init_timeout))
            if init_timeout not in (None, "")
            else DEFAULT_INIT_TIMEOUT
        ),
        schema=existing_file(schema, base, "request schema", given(SCHEMA, schema)) if schema else None,
        output_schema=(
            existing_file(output_schema, base, "output schema", given(OUTPUT_SCHEMA, output_schema))
            if output_schema
            else None
        ),
        examples=count(examples, given(EXAMPLES, examples)) if examples not in (None, "") else DEFAULT_EXAMPLES,
        seed=seed,
        volatile_keys=parse_volatile(volatile_keys or ""),
        server=server,
        server_workers=(
            workers(server_workers, given(SERVER_WORKERS, server_workers)) if server_workers not in (None, "") else 1
        ),
        kind=choice(kind or "auto", ("auto", "online", "batch"), given(KIND, kind)),
        batch_input=choice(batch_input or "files", ("files", "tabular"), given(BATCH_INPUT, batch_input)),
        mini_batch_size=(
            count(
                mini_batch_size,
                given(MINI_BATCH_SIZE, mini_batch_size),
                least=1,
                rule="a mini-batch holds 1 file or more",
            )
            if mini_batch_size not in (None, "")
            else 10
        ),
        batch_args=arguments(batch_args, base, given(BATCH_ARGS, batch_args)) if batch_args else (),
        latency_p99_ms=(
            amount(latency_p99, given(LATENCY_P99, latency_p99), "milliseconds")
            if latency_p99 not in (None, "")
            else None
        ),
        max_memory_mb=(
            amount(max_memory, given(MAX_MEMORY, max_memory), "megabytes") if max_memory not in (None, "") else None
        ),
        report=output_file(report, base, "report", given(REPORT, report)) if report else None,
        summary=output_file(summary, base, "summary", given(SUMMARY, summary)) if summary else None,
        front_end=front_end,
        env_file=existing_file(env, base, "environment file", given(ENV, env)) if env else None,
        env_rebuild=env_rebuild,
        cov=cov or cov_fail_under not in (None, "") or bool(cov_report),
        cov_fail_under=(
            percent(cov_fail_under, given(COV_FAIL_UNDER, cov_fail_under)) if cov_fail_under not in (None, "") else None
        ),
        cov_report=cov_report or "",
        baseline=baseline_target(baseline, base, given(BASELINE, baseline)) if baseline else "",
        baseline_model_dir=(
            folder(baseline_model_dir, base, "baseline's model folder", given(BASELINE_MODEL_DIR, baseline_model_dir))
            if baseline_model_dir
            else None
        ),
        traffic=existing(traffic, base, "traffic", given(TRAFFIC, traffic)) if traffic else None,
        traffic_limit=(
            count(traffic_limit, given(TRAFFIC_LIMIT, traffic_limit))
            if traffic_limit not in (None, "")
            else DEFAULT_TRAFFIC_LIMIT
        ),
        tolerance=parse_tolerance(tolerance, given(TOLERANCE, tolerance)) if tolerance else Tolerance(),
        accept_changes=tuple(item.strip() for item in (accept_changes or "").split(",") if item.strip()),
        given=frozenset(
            dest
            for dest, value in (
                (MODEL_DIR.dest, model_dir),
                (APP_ROOT.dest, app_root),
                (TIMEOUT.dest, timeout),
                (INIT_TIMEOUT.dest, init_timeout),
                (SERVER_WORKERS.dest, server_workers),
                (KIND.dest, kind),
                (BATCH_INPUT.dest, batch_input),
                (MINI_BATCH_SIZE.dest, mini_batch_size),
                (MAX_MEMORY.dest, max_memory),
                (BATCH_ARGS.dest, batch_args),
            )
            if value not in (None, "")
        )
        # --score-env '' is given too: no environment, even where a deployment spec names one.
        | ({ENV.dest} if env is not None else set()),
        command_line=frozenset(command_line),
        named=tuple(named.items()),
    )


def arguments(value: str, base: Path, shown: str) -> tuple[str, ...]:
    """Program arguments split as a shell splits them. A word naming an existing file or folder relative to
    ``base`` (``--model model``, ``--model=model``) is made absolute: the batch driver runs the script in a
    working folder of its own, where a relative path would name nothing."""
    import shlex

    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise UsageError(f"{shown}: cannot be split as a command line: {exc}.") from None

    def absolute(word: str) -> str:
        flag, equals, path = word.rpartition("=") if word.startswith("-") else ("", "", word)
        if path and not os.path.isabs(path) and not path.startswith("-") and (base / path).exists():
            return f"{flag}{equals}{(base / path).resolve()}"
        return word

    return tuple(absolute(word) for word in words)


def percent(value: object, shown: str) -> float:
    try:
        number = float(str(value))
    except ValueError:
        raise UsageError(f"{shown}: not a percentage.") from None
    if not 0 <= number <= 100:
        raise UsageError(f"{shown}: a percentage is between 0 and 100.")
    return number


def output_file(value: str, base: Path, what: str, shown: str) -> Path:
    """A file we write: its folder must exist (we do not guess at creating one), it must not be a folder, and the run
    must be able to write it."""
    return writable((base / value).resolve(), shown, what)


def choice(value: str, allowed: tuple[str, ...], shown: str) -> str:
    if value not in allowed:
        raise UsageError(f"{shown}: must be one of {', '.join(allowed)}.")
    return value


def workers(value: object, shown: str) -> int:
    # One rule for -1 and 0 alike: a count below 1 is one mistake, not two.
    return count(value, shown, least=1, rule="the server needs at least 1 worker")
