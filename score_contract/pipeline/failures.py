"""Failure text every kind of run shares: the Failure value the shells show and report, the path and location of
a failure in the user's files, the words of a reproduce command common to all, and the short form --tb=short keeps.

What a failure of one kind says beyond that (an online body, a mini-batch, the explanation of an edge) is that
kind's own report.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..config.options import DEFAULT_INIT_TIMEOUT, DEFAULT_TIMEOUT, ENV
from ..config.settings import Settings
from ..judging.checks import Violation
from ..planning.script import Script

#: How the lines that --tb=short keeps begin (see ``short_form``); a check may name its body otherwise
#: (Violation.label): those name a "body" too.
BODY_LABEL = "smallest failing body"
REPRODUCE_LABEL = "reproduce:"


@dataclass(frozen=True)
class Failure:
    headline: str
    text: str
    #: What the script printed while it handled the failing request.
    output: str = ""
    #: Where it failed: ``path:line`` in the user's files, or the script's path alone.
    location: str = ""
    #: For the reports: the smallest failing body as shown, and the command that replays it.
    body: str = ""
    reproduce: str = ""
    #: What the text calls that body ("smallest failing body", "smallest body over the budget").
    body_label: str = BODY_LABEL


def failure(
    first: Violation,
    lines: list[str],
    reproduce: str,
    settings: Settings,
    script: Script,
    invocation_dir: Path,
    *,
    body: str,
    body_label: str = BODY_LABEL,
) -> Failure:
    """A failed check as every kind shows it: the first violation's headline, ``lines`` below it ending in the
    command that reproduces it, all in the spelling of the front end the run came from."""
    text = first.headline + "\n" + indent("\n".join([*lines, f"{REPRODUCE_LABEL} {reproduce}"]))
    return Failure(
        settings.spelled(first.headline),
        settings.spelled(text),
        location=location(first, script, invocation_dir),
        body=body,
        reproduce=settings.spelled(reproduce),
        body_label=body_label,
    )


def indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def shown_path(path: Path, invocation_dir: Path) -> str:
    try:
        return os.path.relpath(path, invocation_dir)
    except ValueError:
        return str(path)


def replay_words(
    command: str, script: Script, settings: Settings, invocation_dir: Path, *, timeouts: bool = True
) -> list[str]:
    """``score-contract COMMAND TARGET`` with the options every replay of this target needs: its model folder, app
    root, time limits (``timeouts``) and environment, as the run had them (the reproduce line is what the user runs
    next, and replay reads no settings file)."""
    words = ["score-contract", *command.split(), script.shown_as]
    if settings.model_dir is not None:
        words += ["--model-dir", shown_path(settings.model_dir, invocation_dir)]
    if settings.app_root is not None:
        words += ["--app-root", shown_path(settings.app_root, invocation_dir)]
    if timeouts and settings.timeout != DEFAULT_TIMEOUT:
        words += ["--timeout", f"{settings.timeout:g}"]
    if timeouts and settings.init_timeout != DEFAULT_INIT_TIMEOUT:
        words += ["--init-timeout", f"{settings.init_timeout:g}"]
    if settings.env_file is not None:
        words += ["--env", shown_path(settings.env_file, invocation_dir)]
    elif ENV.dest in settings.given:
        words += ["--env", ""]  # no environment, as the run had
    return words


def location(violation: Violation, script: Script, invocation_dir: Path) -> str:
    """``path:line`` of where the failure happened in the user's files (``score.py:11 in run``
    names its file from the app root or the script's folder), else the script's path."""
    file, _, rest = violation.location.partition(":")
    line = rest.split(" ", 1)[0]
    if file and line.isdigit():
        for root in (script.app_root, script.path.parent):
            if (root / file).is_file():
                return f"{shown_path(root / file, invocation_dir)}:{line}"
    return script.shown_as


def short_form(text: str) -> str:
    """A failure as --tb=short shows it: the headline, the smallest failing body and the reproduce
    line, without the traceback, the notes and the remedies."""
    headline, *lines = text.splitlines()
    kept = [line for line in lines if _is_body_line(line) or line.startswith(f"  {REPRODUCE_LABEL}")]
    return "\n".join([headline, *kept])


def _is_body_line(line: str) -> bool:
    """A line naming the body of a failure: "smallest failing body: …", "smallest body over the budget
    (samples/a.json): …"; a batch script's "smallest failing mini-batch (…): …"."""
    label = line.split(":", 1)[0].split(" (", 1)[0]
    return line.startswith("  ") and re.fullmatch(r"[a-z ]*\b(body|mini-batch)\b[a-z ]*", label[2:]) is not None
