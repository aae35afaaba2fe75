"""The checks run over real HTTP against the official server (``--score-server``).

Small pure functions like :mod:`score_contract.judging.checks`, over what
:mod:`score_contract.official.endtoend` observed: the boot, one exchange per body, the
swagger documents. ``SERVER_CHECKS`` lists them in the order they run.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.compare import changes, describe, differences
from ..core.observations import Body, HttpResponse
from ..judging.checks import Check, Violation
from .server import Boot

#: How much of the server's log a failure shows.
_LOG_LINES = 25


@dataclass(frozen=True)
class Exchange:
    """One body sent to the official server, beside what the engine answered."""

    body: Body
    engine: HttpResponse | None
    server: HttpResponse | None = None
    #: The request failed: connection refused or dropped, or it timed out.
    error: str = ""
    #: Workers gunicorn started while the server handled this body.
    respawned: int = 0
    #: The server's log lines written while it handled this body.
    log: str = ""
    volatile: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class ServerEvidence:
    boot: Boot
    valid: tuple[Exchange, ...] = ()
    invalid: tuple[Exchange, ...] = ()
    #: (version, the answer to GET /swagger.json?version=...)
    swagger: tuple[tuple[str, HttpResponse], ...] = ()
    decorated: bool = False
    #: The request contract we derived, to hold the swagger against.
    contract: dict[str, Any] | None = None
    #: Bodies our contract refuses, to see whether the swagger refuses them too.
    invalid_examples: tuple[tuple[str, object], ...] = field(default_factory=tuple)
    #: (version, file name): the swagger files of the author's own in the app root, which the server serves.
    own_swagger: tuple[tuple[str, str], ...] = ()


def relevant_lines(log: str) -> list[str]:
    """The lines of a server log that explain a failure: the script's own frames
    and source lines, exceptions, fatal errors, worker deaths; not the frames of
    gunicorn, Flask or the server, and a line repeated by a respawn loop once."""
    kept: list[str] = []
    keep_source = False
    for line in log.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("File "):
            keep_source = _is_user_frame(stripped)
            if keep_source:
                kept.append(line)
            continue
        if keep_source and line.startswith("    ") and not stripped.startswith(("File ", "^")):
            kept.append(line)
            keep_source = False
            continue
        keep_source = False
        if _MATTERS.search(line) and not line.startswith((" ", "Extension modules")):
            kept.append(_TIMESTAMP.sub("", line))
    deduplicated: list[str] = []
    for line in kept:
        if line not in deduplicated[-8:]:
            deduplicated.append(line)
    return deduplicated[-_LOG_LINES:]


_MATTERS = re.compile(
    r"Traceback|Error|Exception|Fatal Python error|was sent SIG|exited with code|Worker failed|"
    r"Reason:|Shutting down|Booting worker|Segmentation|Aborted|WORKER TIMEOUT|Scoring timeout",
)
_INSTALLED = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})


def _is_user_frame(line: str) -> bool:
    """A traceback frame in the user's files, not Python's, an installed package's or a frozen one."""
    match = re.match(r'File "([^"]+)"', line)
    if match is None:
        return False
    path = match.group(1)
    return not path.startswith("<") and not path.startswith(_INSTALLED) and "site-packages" not in path


_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")


def _log_excerpt(log: str) -> str:
    lines = relevant_lines(log)
    if not lines:
        return ""
    return "the server's log, trimmed:\n" + "\n".join(f"    {line}" for line in lines)


def server_becomes_ready(boot: Boot) -> Violation | None:
    """The official server, started on the script as `azmlinfsrv --entry_script`
    starts it (on 127.0.0.1), answers GET / with 200 within the init timeout."""
    if boot.ready:
        return None
    return Violation(f"the official server did not become ready: {boot.problem}", _log_excerpt(boot.log))


def server_answers_like_the_engine(exchange: Exchange) -> Violation | None:
    """Every valid body that the in-process run answered gets the same status
    and body from the official server over real HTTP (values that change by
    themselves, such as timings and ids, aside)."""
    if exchange.server is None:
        return Violation(
            f"the official server did not answer: {exchange.error}", _log_excerpt(exchange.log), body=exchange.body
        )
    if exchange.engine is None:
        return None
    found = changes(differences(exchange.engine, exchange.server), exchange.volatile)
    if not found:
        return None
    return Violation(
        f"the official server answered differently from the in-process run: {describe(found, 1)}",
        f"in-process: HTTP {exchange.engine.status} {_preview(exchange.engine)}\n"
        f"server:     HTTP {exchange.server.status} {_preview(exchange.server)}\n" + _log_excerpt(exchange.log),
        body=exchange.body,
    )


def server_survives_invalid_input(exchange: Exchange) -> Violation | None:
    """Invalid bodies neither crash the official server nor make gunicorn replace a worker."""
    if exchange.server is None:
        return Violation(
            f"an invalid body got no answer from the official server: {exchange.error}",
            _log_excerpt(exchange.log),
            body=exchange.body,
        )
    if exchange.respawned:
        return Violation(
            "an invalid body killed a server worker: gunicorn started a new one (init() runs again)",
            _log_excerpt(exchange.log),
            body=exchange.body,
        )
    return None


def server_serves_swagger(evidence: ServerEvidence) -> Violation | None:
    """For a script decorated with inference-schema, the server serves
    /swagger.json in versions 2 and 3."""
    if not evidence.decorated:
        return None
    for version, answer in evidence.swagger:
        if answer.status != 200:
            return Violation(
                f"GET /swagger.json?version={version} answered HTTP {answer.status}", f"body: {_preview(answer)}"
            )
    return None


def swagger_agrees_with_the_contract(evidence: ServerEvidence) -> Violation | None:
    """A swagger file of the author's own (swagger.json, swagger2.json, swagger3.json in
    the app root, which the server serves instead of the one it generates) documents
    what the server accepts: its example is a valid body, and it does not allow
    bodies the server refuses."""
    from ..inputs.strategies import validator

    # The swagger inference-schema generates is what it is: the author can act only on a file of their own.
    if not evidence.own_swagger or evidence.contract is None:
        return None
    ours = validator(evidence.contract)
    problems: list[str] = []
    files = dict(evidence.own_swagger)
    for version, answer in evidence.swagger:
        if version not in files:
            continue
        schema = _request_schema(answer, version)
        if schema is None:
            continue
        example = schema.get("example")
        name = files[version]
        if example is not None and not ours.is_valid(example):
            problems.append(f"{name}: its example {json.dumps(example)[:200]} is not a valid body")
        theirs = validator({k: v for k, v in schema.items() if k != "example"})
        loose = [what for what, value in evidence.invalid_examples if theirs.is_valid(value)]
        if loose:
            shown = "; ".join(loose[:3]) + (f"; and {len(loose) - 3} more" if len(loose) > 3 else "")
            problems.append(f"{name}: it allows bodies the server refuses: {shown}")
    if not problems:
        return None
    names = " and ".join(dict.fromkeys(files.values()))
    return Violation(f"your {names} does not match what the server accepts", "\n".join(problems))


#: swagger.py: the files the server serves for ?version=2 (the first that holds something) and 3.
SWAGGER_FILES = (("2", "swagger.json"), ("2", "swagger2.json"), ("3", "swagger3.json"))


def own_swagger_files(app_root: Path) -> tuple[tuple[str, str], ...]:
    """(version, name) of the swagger files the author put in the app root, one per version."""
    found: dict[str, str] = {}
    for version, name in SWAGGER_FILES:
        path = app_root / name
        if version not in found and path.is_file():
            try:
                if json.loads(path.read_text(encoding="utf-8")):  # {} or null is passed over, as by the server
                    found[version] = name
            except (OSError, ValueError):
                found[version] = name  # the server refuses to boot on it: server_becomes_ready says so
    return tuple(found.items())


def _request_schema(answer: HttpResponse, version: str) -> dict[str, Any] | None:
    try:
        document = json.loads(answer.body)
        if version == "2":
            schema = document["definitions"]["ServiceInput"]
        else:
            schema = document["components"]["schemas"]["ServiceInput"]
    except (ValueError, KeyError, TypeError):
        return None
    return schema if isinstance(schema, dict) else None


def _preview(response: HttpResponse) -> str:
    text = response.body[:300].decode("utf-8", "replace")
    return text + ("…" if len(response.body) > 300 else "")


SERVER_CHECKS: tuple[Check, ...] = (
    Check(server_becomes_ready, "server-boot"),
    Check(server_answers_like_the_engine, "server-valid"),
    Check(server_survives_invalid_input, "server-invalid"),
    Check(server_serves_swagger, "server-session"),
    Check(swagger_agrees_with_the_contract, "server-session", advisory=True),
)
