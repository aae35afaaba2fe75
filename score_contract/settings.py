"""The options of a contract run: one table shared by the pytest plugin, the ini
keys and the CLI, so help texts and defaults cannot drift apart.

Precedence is command line > ini file > default, as in pytest-timeout.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import UsageError
from .observations import Body
from .samples import load_samples

Kind = Literal["paths", "path", "seconds"]

#: Managed online endpoints answer 408 after 5 s unless request_timeout_ms says otherwise.
DEFAULT_TIMEOUT = 5.0
DEFAULT_INIT_TIMEOUT = 120.0
#: Sample bodies found beside a script when --score-samples is not given.
SAMPLES_FOLDER = "samples"


@dataclass(frozen=True)
class Option:
    """One setting: its command-line flag, its ini key and the help both show."""

    dest: str
    flag: str
    ini: str
    kind: Kind
    metavar: str
    help: str


SCORE = Option(
    "score",
    "--score",
    "score_paths",
    "paths",
    "PATH",
    "check the contract of this scoring script (repeatable)",
)
MODEL_DIR = Option(
    "score_model_dir",
    "--score-model-dir",
    "score_model_dir",
    "path",
    "DIR",
    "folder the script sees as AZUREML_MODEL_DIR (the server's --model_dir)",
)
SAMPLES = Option(
    "score_samples",
    "--score-samples",
    "score_samples",
    "path",
    "PATH",
    "sample request bodies: a .json file (one body), a .jsonl file (one a line) or a folder of them;"
    f" default: a {SAMPLES_FOLDER}/ folder beside each script",
)
APP_ROOT = Option(
    "score_app_root",
    "--score-app-root",
    "score_app_root",
    "path",
    "DIR",
    "the server's AML_APP_ROOT and working folder; default: each script's own folder",
)
TIMEOUT = Option(
    "score_timeout",
    "--score-timeout",
    "score_timeout",
    "seconds",
    "SECONDS",
    f"longest run() may take for one request (default {DEFAULT_TIMEOUT:g}, a managed endpoint's default)",
)
INIT_TIMEOUT = Option(
    "score_init_timeout",
    "--score-init-timeout",
    "score_init_timeout",
    "seconds",
    "SECONDS",
    f"longest importing the script plus init() may take (default {DEFAULT_INIT_TIMEOUT:g})",
)

OPTIONS: tuple[Option, ...] = (SCORE, MODEL_DIR, SAMPLES, APP_ROOT, TIMEOUT, INIT_TIMEOUT)


@dataclass(frozen=True)
class Settings:
    """Validated settings of one contract run."""

    scripts: tuple[Path, ...] = ()
    model_dir: Path | None = None
    samples: Path | None = None
    app_root: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    init_timeout: float = DEFAULT_INIT_TIMEOUT


@dataclass(frozen=True)
class Script:
    """One scoring script and everything needed to run it as the server would."""

    path: Path
    app_root: Path
    bodies: tuple[Body, ...]
    #: Where the bodies came from, for the report ("" when there are none).
    samples_origin: str
    #: How the user named the script, for reproduce commands.
    shown_as: str


def script_path(value: str, base: Path) -> Path:
    path = (base / value).resolve() if not os.path.isabs(value) else Path(value).resolve()
    if not path.exists():
        raise UsageError(f"{value}: no such scoring script.")
    if path.is_dir():
        raise UsageError(f"{value}: is a folder; give the scoring script itself, e.g. {value.rstrip('/')}/score.py.")
    if path.suffix != ".py":
        raise UsageError(f"{value}: a scoring script is a .py file.")
    return path


def folder(value: str, base: Path, what: str) -> Path:
    path = (base / value).resolve()
    if not path.exists():
        raise UsageError(f"{value}: the {what} does not exist.")
    if not path.is_dir():
        raise UsageError(f"{value}: the {what} is not a folder.")
    return path


def seconds(value: object, flag: str) -> float:
    try:
        number = float(str(value))
    except ValueError:
        raise UsageError(f"{flag} {value}: not a number of seconds.") from None
    if not number > 0 or math.isinf(number):
        raise UsageError(f"{flag} {value}: must be a positive number of seconds.")
    return number


def resolve(
    *,
    scripts: list[str],
    model_dir: str | None = None,
    samples: str | None = None,
    app_root: str | None = None,
    timeout: object = None,
    init_timeout: object = None,
    base: Path,
    flag_prefix: str = "--score-",
) -> Settings:
    """Validate raw option values (relative paths are taken from ``base``).

    ``flag_prefix`` is how the caller spells the options, for messages.
    """

    def flag(option: Option) -> str:
        return option.flag.replace("--score-", flag_prefix)

    paths = tuple(dict.fromkeys(script_path(s, base) for s in scripts))
    samples_path = None
    if samples:
        samples_path = base / samples
        if not samples_path.exists():
            raise UsageError(f"{samples}: the samples path does not exist.")
    return Settings(
        scripts=paths,
        model_dir=folder(model_dir, base, "model folder") if model_dir else None,
        samples=samples_path,
        app_root=folder(app_root, base, "app root") if app_root else None,
        timeout=seconds(timeout, flag(TIMEOUT)) if timeout not in (None, "") else DEFAULT_TIMEOUT,
        init_timeout=(
            seconds(init_timeout, flag(INIT_TIMEOUT)) if init_timeout not in (None, "") else DEFAULT_INIT_TIMEOUT
        ),
    )


def plan(settings: Settings, path: Path, invocation_dir: Path) -> Script:
    """Decide app root and request bodies for one script; bad samples are usage errors."""
    app_root = settings.app_root or path.parent
    if not path.is_relative_to(app_root):
        shown = _shown(path, invocation_dir)
        raise UsageError(f"{shown}: the script is not inside the app root {_shown(app_root, invocation_dir)}.")
    samples = settings.samples
    if samples is None and (path.parent / SAMPLES_FOLDER).is_dir():
        samples = path.parent / SAMPLES_FOLDER
    bodies = load_samples(samples, relative_to=invocation_dir) if samples is not None else ()
    origin = _shown(samples, invocation_dir) if samples is not None else ""
    return Script(path, app_root, bodies, origin, _shown(path, invocation_dir))


def _shown(path: Path, invocation_dir: Path) -> str:
    try:
        return os.path.relpath(path, invocation_dir)
    except ValueError:
        return str(path)
