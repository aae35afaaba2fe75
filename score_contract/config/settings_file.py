"""A script's own settings: ``score-contract.toml`` beside it (issue 8, part 4).

In a monorepo each scoring script has its own model folder, samples, schema, time limits and
environment, and one ``pytest`` in the repository root gates them all: each script's folder says
what differs for it. Why a file of its own and not a ``[tool.score-contract]`` table in a
``pyproject.toml`` there: a scoring script's folder is the deployment's code folder, uploaded as it
is, and rarely a Python project; a ``pyproject.toml`` in it would be one only for us, and pytest
would take it for the ini file of a run started there.

Its keys are the ini keys without their ``score_`` prefix (``model_dir``, ``timeout``), the names of
``resolve()``'s arguments: in a file that is ours the prefix says nothing. Relative paths are relative
to the file. Precedence: command line > the script's file > ini file > a deployment spec's values >
default: the ini file speaks for the whole repository, the script's file for this one script, and
both are explicit where a spec's request timeout or model only imply the gate's settings.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .options import (
    ACCEPT_CHANGES,
    APP_ROOT,
    BASELINE,
    BASELINE_MODEL_DIR,
    BATCH_ARGS,
    BATCH_INPUT,
    COV,
    COV_FAIL_UNDER,
    COV_REPORT,
    ENV,
    ENV_REBUILD,
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
    SERVER,
    SERVER_WORKERS,
    SUMMARY,
    TIMEOUT,
    TOLERANCE,
    TRAFFIC,
    TRAFFIC_LIMIT,
    VOLATILE_KEYS,
    Option,
)
from .settings import Settings, resolve

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FILE_NAME = "score-contract.toml"

#: What a script may set for itself.
PER_SCRIPT: tuple[Option, ...] = (
    MODEL_DIR,
    SAMPLES,
    SCHEMA,
    OUTPUT_SCHEMA,
    APP_ROOT,
    TIMEOUT,
    INIT_TIMEOUT,
    EXAMPLES,
    VOLATILE_KEYS,
    SERVER_WORKERS,
    KIND,
    BATCH_INPUT,
    MINI_BATCH_SIZE,
    BATCH_ARGS,
    ENV,
    LATENCY_P99,
    MAX_MEMORY,
    COV_FAIL_UNDER,
    BASELINE,
    BASELINE_MODEL_DIR,
    TRAFFIC,
    TRAFFIC_LIMIT,
    TOLERANCE,
    ACCEPT_CHANGES,
)
#: Keys a TOML list may give, as the comma list the command line takes.
_LISTS = (VOLATILE_KEYS, TOLERANCE, ACCEPT_CHANGES)
#: What only the whole run can set: which scripts, whether the server boots, where reports go.
WHOLE_RUN: tuple[Option, ...] = (SCORE, SERVER, ENV_REBUILD, REPORT, SUMMARY, COV, COV_REPORT)

#: The Settings field each key fills, where it is not the key itself.
_FIELD = {ENV.dest: "env_file", LATENCY_P99.dest: "latency_p99_ms", MAX_MEMORY.dest: "max_memory_mb"}


def key(option: Option) -> str:
    return option.ini.removeprefix("score_")


def script_settings(settings: Settings, target: Path, invocation_dir: Path) -> Settings:
    """The run's settings for one target (a script or a deployment spec), with the settings file in its
    folder applied; the run's own when there is none. Options given on the command line win."""
    path = target.parent / FILE_NAME
    if not path.is_file():
        return settings
    shown = _shown(path, invocation_dir)
    values = _read(path, shown)
    arguments: dict[str, Any] = {key(option): _text(option, value, shown) for option, value in values.items()}
    # An empty value (env = "": no environment) is named as written, not as nothing.
    written = {name: value or '""' for name, value in arguments.items()}
    named = {option.dest: f"{key(option)} = {written[key(option)]} in {shown}" for option in values}
    found = resolve(scripts=[], base=path.parent, front_end=settings.front_end, named=named, **arguments)
    own = [option for option in values if option.dest not in settings.command_line]
    changes = {
        _FIELD.get(option.dest, key(option)): getattr(found, _FIELD.get(option.dest, key(option))) for option in own
    }
    # Explicit, as an ini value is: a deployment spec's values do not override them.
    named_here = {option.dest: named[option.dest] for option in own}
    return replace(
        settings,
        **changes,
        given=settings.given | {option.dest for option in own},
        named=tuple({**dict(settings.named), **named_here}.items()),
    )


def _read(path: Path, shown: str) -> dict[Option, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{shown}: not valid TOML: {exc}.") from None
    by_key = {key(option): option for option in PER_SCRIPT}
    whole_run = {key(option) for option in WHOLE_RUN} | {option.ini for option in WHOLE_RUN}
    values = {}
    for name, value in data.items():
        option = by_key.get(name)
        if option is not None:
            values[option] = value
        elif name in whole_run:
            raise UsageError(
                f"{name} in {shown}: a setting of the whole run, not of one script: give it on the command line"
                " or in the ini file."
            )
        elif name.removeprefix("score_") in by_key:
            raise UsageError(f"{name} in {shown}: write it without the prefix, {name.removeprefix('score_')}.")
        else:
            raise UsageError(f"{name} in {shown}: not a setting of a script; these are: {', '.join(by_key)}.")
    return values


def _text(option: Option, value: object, shown: str) -> str:
    """The value as the command line would give it; TOML's own numbers are taken for numbers."""
    if option in _LISTS and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    numeric = (
        option.kind in ("seconds", "count", "number") and isinstance(value, int | float) and not isinstance(value, bool)
    )
    if isinstance(value, str) or numeric:
        return str(value)
    what = "a number" if option.kind in ("seconds", "count", "number") else "a string"
    raise UsageError(f"{key(option)} = {value!r} in {shown}: write {what}.")


def _shown(path: Path, invocation_dir: Path) -> str:
    try:
        return os.path.relpath(path, invocation_dir)
    except ValueError:
        return str(path)
