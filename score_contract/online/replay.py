"""Replay one request: import the script as the server does, run init(), send one
body, and print what the server would answer and which contract it breaks."""

from __future__ import annotations

from dataclasses import replace
from typing import TextIO

from ..config.settings import Settings
from ..core.observations import Body, Call, Evidence, HttpResponse, ImportResult, InitResult
from ..core.wording import shown_bytes
from ..environments.deployed import Deployed
from ..errors import UsageError
from ..isolation.sandbox import Sandbox
from ..judging.checks import CHECKS, Violation
from .verdicts import load_warnings

_MODES = {
    "text": "run() gets the raw body text",
    "schema": "run() gets the body's keys as arguments, converted by @input_schema",
    "rawhttp": "run() gets the request object (@rawhttp)",
}
_SHOWN_HEADERS = ("content-type", "x-ms-run-function-failed")


def _indented(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def deployed(settings: Settings, out: TextIO) -> tuple[Settings, Deployed]:
    """A deployment spec's (or an environment file's) settings and environment (with neither: the
    settings as given, and a Deployed that changes nothing).

    Raises UsageError when the target cannot be run at all (a missing file, an environment that does
    not build): the gate's own check for it says why."""
    from pathlib import Path

    from ..planning.targets import target_of

    (given,) = settings.scripts
    target = target_of(settings, given, Path.cwd())
    if target is None:
        return settings, Deployed(None, settings.app_root or given.parent)
    run_settings = replace(target.settings, scripts=(target.script,))

    def say(line: str) -> None:
        out.write(f"{line}\n")

    found = Deployed(target, run_settings.app_root or target.script.parent, say)
    blocked = found.blocker()
    if blocked is not None:
        raise UsageError(f"{given}: {blocked[0]} (the check {blocked[1]} says why).")
    return run_settings, found


def replay(settings: Settings, body: Body | None, out: TextIO) -> int:
    """Returns 0 when the server would answer 2xx and no check breaks, else 1."""
    settings, target = deployed(settings, out)
    (script,) = settings.scripts
    sandbox = Sandbox(
        script,
        settings.app_root or script.parent,
        settings.model_dir,
        python=target.python,
        variables=target.variables(),
    )
    try:
        code = _replay(sandbox, settings, body, out)
        output = sandbox.last_output()
        if output:
            out.write(f"\nthe script printed:\n{_indented(output)}\n")
        return code
    finally:
        # Whatever ended the replay (a reader that closed the pipe, Ctrl-C), the worker stops:
        # nothing here may write before it, for a write can fail too.
        sandbox.close()


def _problem(violation: Violation | None, out: TextIO, settings: Settings) -> bool:
    if violation is None:
        return False
    # Hints name the flags of this front end (the CLI's --model-dir, not --score-model-dir).
    out.write(settings.spelled(f"{violation.headline}\n"))
    if violation.details:
        out.write(settings.spelled(_indented(violation.details) + "\n"))
    return True


def _warn(notes: tuple[str, ...], out: TextIO, settings: Settings) -> None:
    """What the gate would warn about, a warning and not a failure (the exit code stays)."""
    for note in notes:
        headline, _, rest = note.partition("\n")
        out.write(settings.spelled(f"warning: {headline}\n" + (_indented(rest) + "\n" if rest else "")))


def _replay(sandbox: Sandbox, settings: Settings, body: Body | None, out: TextIO) -> int:
    app_root = settings.app_root or sandbox.script.parent
    imported = sandbox.ask(
        "load", str(sandbox.script), str(app_root), settings.init_timeout, timeout=settings.init_timeout
    )
    if not isinstance(imported, ImportResult):
        imported = ImportResult(death=sandbox.death)
    phases = [c for c in CHECKS if c.phase in ("import", "definition")]
    if any([_problem(c.judge(imported), out, settings) for c in phases]) or not imported.accepted:
        return 1
    out.write(f"imported {sandbox.script.name} as the server does: {_MODES[imported.mode or 'text']}\n")
    _warn(load_warnings(imported.warnings, "while the script was imported"), out, settings)
    init = sandbox.ask("init", settings.init_timeout, timeout=settings.init_timeout)
    if not isinstance(init, InitResult):
        init = InitResult(death=sandbox.death)
    if _problem(next(c for c in CHECKS if c.phase == "init").judge(init), out, settings):
        return 1
    out.write(f"init() returned in {init.elapsed:.3g} s\n")
    _warn(load_warnings(init.warnings, "while init() ran"), out, settings)
    if body is None:
        return 0
    request = body
    reply = sandbox.ask("call", request, settings.timeout, timeout=settings.timeout)
    call = reply if isinstance(reply, Call) else Call(request, death=sandbox.death)
    out.write(_request_text(request))
    if call.response is not None:
        response = call.response
        out.write(f"HTTP {response.status}\n")
        for name, value in response.headers:
            if name.lower() in _SHOWN_HEADERS:
                out.write(f"{name}: {value}\n")
        out.write(f"\n{_shown(response)}\n\n")
    if call.rejected is not None:
        out.write(f"the body was refused before run() saw it: {call.rejected}\n")
        return 1
    if call.elapsed and call.error is None and call.death is None:
        # Measured in the worker around run() itself, as --score-latency-p99 judges it.
        memory = f", its memory peaked at {call.peak_rss_mb:.0f} MB" if call.own_peak else ""
        out.write(f"run() returned in {call.elapsed * 1000:.3g} ms{memory}\n")
    broken = False
    for check in CHECKS:
        if check.phase == "call" and (call.error is None or check.name == "run_accepts_valid_input"):
            broken = _problem(check.judge(call), out, settings) and not check.advisory or broken
        elif check.phase == "session":
            broken = _problem(check.judge(Evidence(imported, init, (call,))), out, settings) or broken
    ok = call.response is not None and 200 <= call.response.status < 300
    return 0 if ok and not broken else 1


def _shown(response: HttpResponse) -> str:
    """The whole answer when it is text; what it is, when it is an image or other bytes."""
    return shown_bytes(response.body, response.header("Content-Type") or "", limit=len(response.body))


def _request_text(request: Body) -> str:
    lines = [f"{request.method} {request.target}"]
    lines += [f"{name}: {value}" for name, value in request.headers]
    if request.content_type:
        lines.append(f"Content-Type: {request.content_type}")
    shown = request.text if request.is_text else f"({len(request.data)} bytes of {request.content_type or 'data'})"
    return "\n" + "\n".join(lines) + f"\n\n{shown}\n\n"


def replay_on_server(settings: Settings, body: Body | None, out: TextIO) -> int:
    """The same through the official server (on 127.0.0.1): boot it, send one body, stop it."""
    import requests

    from ..official.server import OfficialServer
    from ..official.server_checks import relevant_lines

    settings, target = deployed(settings, out)
    (script,) = settings.scripts
    server = OfficialServer(
        script,
        settings.app_root or script.parent,
        settings.model_dir,
        workers=settings.server_workers,
        scoring_timeout=settings.timeout,
        python=target.python,
        variables=target.variables(),
        gunicorn=target.version("gunicorn"),
    )
    try:
        boot = server.wait_ready(settings.init_timeout)
        if not boot.ready:
            out.write(settings.spelled(f"the official server did not become ready: {boot.problem}\n"))
            out.write(_indented("\n".join(relevant_lines(boot.log))) + "\n")
            return 1
        out.write(f"the official server is ready on {server.url} after {boot.seconds:.2f} s\n")
        if body is None:
            return 0
        request = body
        out.write(_request_text(request))
        offset = server.log_size()
        try:
            response = server.post(request, settings.timeout + 5)
        except requests.RequestException as exc:
            out.write(f"no answer: {type(exc).__name__}: {exc}\n")
            out.write(_indented("\n".join(relevant_lines(server.log_since(offset)))) + "\n")
            return 1
        out.write(f"HTTP {response.status}\n")
        for name, value in response.headers:
            if name.lower() in _SHOWN_HEADERS:
                out.write(f"{name}: {value}\n")
        out.write(f"\n{_shown(response)}\n")
        lines = relevant_lines(server.log_since(offset))
        if lines:
            out.write("\nthe server's log, trimmed:\n" + _indented("\n".join(lines)) + "\n")
        return 0 if 200 <= response.status < 300 else 1
    finally:
        server.stop()
