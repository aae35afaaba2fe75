"""Call run() with one request body the way the server does, and build the
response the server would send back.

Written by hand rather than by driving the server's Flask app: the app costs
~0.3 ms and a Flask import per request and hides *why* a request failed (a 500
is a 500 whether run() raised, the decorators refused the body or the encoder
choked). Every rule below cites the server code it mirrors
(``azureml_inference_server_http/server/input_parsers.py``, ``user_script.py``,
``routes.py``); ``tests/test_parity.py`` sends the same bodies through this
module and through the official app and compares status, body and headers.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import CodeType, FrameType
from typing import Any

from ..core.observations import Body, Call, HttpResponse, ScriptError
from . import tracebacks
from .loader import LoadedScript
from .parsing import ROUTING_405, flask_request, message, not_for_run, request_headers, schema_arguments, text_argument
from .responses import GUNICORN_ERROR, RUN_FAILED, error_response, holds_json, respond, type_name, unencodable

#: How long run() may go on after swallowing the server's TimeoutError before a
#: Deadline stops it (less than sandbox.GRACE_SECONDS, so the worker still answers).
SWALLOWED_GRACE = 1.0
#: config.py: SCORING_TIMEOUT_MS when the environment does not set it.
_SERVER_SCORING_TIMEOUT_MS = 3600 * 1000


class Deadline(BaseException):
    """Raised in the worker by SIGALRM when user code runs past its time.

    A BaseException, unlike the server's TimeoutError, so that a broad
    ``except Exception`` in the script cannot swallow it.
    """


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Deadline


def timeout_error(exc: BaseException, app_root: tracebacks.Roots, seconds: float) -> ScriptError:
    """Where the user's code was when its time ran out."""
    return tracebacks.describe(exc, app_root, last_line=f"stopped after {seconds:g} s, here")


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """The server bounds run() with SIGALRM too (server/utils.py: timeout())."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def scoring_deadline(seconds: float) -> Iterator[list[TimeoutError]]:
    """server/utils.py timeout() around run(): SIGALRM raises a plain TimeoutError
    (the script may print its type), which a broad ``except Exception`` in run()
    may swallow and answer as it likes. If run() then goes on, a Deadline follows.
    Yields the list that holds the TimeoutError once raised."""
    fired: list[TimeoutError] = []

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if fired:
            raise Deadline
        fired.append(TimeoutError())
        signal.setitimer(signal.ITIMER_REAL, SWALLOWED_GRACE)
        raise fired[0]

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _server_scoring_timeout_ms() -> int:
    try:
        return int(os.environ.get("SCORING_TIMEOUT_MS", _SERVER_SCORING_TIMEOUT_MS))
    except ValueError:
        return _SERVER_SCORING_TIMEOUT_MS


def call(loaded: LoadedScript, body: Body, timeout: float) -> Call:
    """Send ``body`` to run() and observe everything that follows."""
    if body.method not in _ROUTED:
        return Call(body, response=ROUTING_405, rejected=message(ROUTING_405))
    if loaded.mode == "rawhttp":
        return _trace_id(body, _head_without_body(body, _call_rawhttp(loaded, body, timeout)))
    answered = not_for_run(body)
    if answered is not None:
        return _trace_id(body, Call(body, response=answered, rejected=f"the server answers {body.method} itself"))
    headers = request_headers(body)
    if loaded.mode == "text":
        arguments: dict[str, Any] | HttpResponse = text_argument(loaded.parameters[0].name, body)
    else:
        arguments = schema_arguments(loaded.parameters, body)
    if isinstance(arguments, HttpResponse):
        return _trace_id(body, Call(body, response=arguments, rejected=message(arguments)))
    if "flask" in sys.modules:
        # handle_score calls run() inside the request: flask.request, g and
        # jsonify() work there. Only a script that loaded Flask can use them
        # (one importing it inside run() is not served on its first call).
        with flask_request(body):
            return _trace_id(body, _invoke(loaded, body, arguments, headers, timeout))
    return _trace_id(body, _invoke(loaded, body, arguments, headers, timeout))


#: The methods /score is routed for (routes.py; Flask adds HEAD to a GET route).
_ROUTED = ("GET", "POST", "OPTIONS", "HEAD")


def _head_without_body(body: Body, call: Call) -> Call:
    """werkzeug sends no body in answer to HEAD; the headers (Content-Length too) stay."""
    if body.method != "HEAD" or call.response is None:
        return call
    return replace(call, response=replace(call.response, body=b""))


def _trace_id(body: Body, call: Call) -> Call:
    """routes.populate_response_headers echoes a TraceId request header (Office's tracing field)."""
    trace = next((value for name, value in body.headers if name.lower() == "traceid"), None)
    if trace is None or call.response is None:
        return call
    response = call.response
    return replace(call, response=replace(response, headers=(*response.headers, ("TraceId", trace))))


def _call_rawhttp(loaded: LoadedScript, body: Body, timeout: float) -> Call:
    """RawRequestInput: run() gets the Flask request object itself."""
    import flask  # the script imported rawhttp, so Flask is loaded already

    with flask_request(body):
        headers = dict(flask.request.headers)
        return _invoke(loaded, body, {loaded.parameters[0].name: flask.request}, headers, timeout)


def _entered(exc: BaseException, code: CodeType | None) -> bool:
    """Did the traceback pass through the undecorated run()?"""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is code:
            return True
        tb = tb.tb_next
    return False


def _invoke(
    loaded: LoadedScript, body: Body, arguments: dict[str, Any], headers: dict[str, str], timeout: float
) -> Call:
    """user_script.invoke_run and routes.handle_score."""
    init_before = loaded.init_calls[0]
    started = time.perf_counter()
    fired: list[TimeoutError] = []
    try:
        # The watcher innermost: before 3.12 every line run while it watches is slower (see caught.py).
        with scoring_deadline(timeout) as fired, loaded.watcher.watching() as seen:
            if loaded.wants_headers:
                output = loaded.run(**arguments, request_headers=headers)
            else:
                output = loaded.run(**arguments)
    except (Deadline, TimeoutError) as exc:
        # invoke_run turns *any* TimeoutError into UserScriptTimeout, the script's
        # own (a socket timeout) too, and names the server's configured timeout.
        own = not fired and not isinstance(exc, Deadline)
        ms = _server_scoring_timeout_ms() if own else int(timeout * 1000)
        return Call(
            body,
            response=error_response(500, f"Scoring timeout after {ms} ms", True),
            error=tracebacks.describe(exc, loaded.roots) if own else timeout_error(exc, loaded.roots, timeout),
            timed_out=not own,
            init_calls=loaded.init_calls[0] - init_before,
            # The deadline that fired, not the time measured past it: verdicts must not
            # depend on how loaded the machine was.
            elapsed=timeout if not own else time.perf_counter() - started,
            timeout=timeout,
        )
    except Exception as exc:
        elapsed = time.perf_counter() - started
        response = error_response(500, RUN_FAILED, True)
        error = tracebacks.describe(exc, loaded.roots)
        init_calls = loaded.init_calls[0] - init_before
        if loaded.mode == "schema" and not _entered(exc, loaded.inner_run_code):
            # inference-schema's own conversion refused the body: the server
            # answers the same 500, but it is not the script's fault.
            return Call(body, response=response, rejected=error.summary, init_calls=init_calls, elapsed=elapsed)
        return Call(body, response=response, error=error, init_calls=init_calls, elapsed=elapsed)
    except BaseException as exc:
        # SystemExit, KeyboardInterrupt: handle_score catches Exception only;
        # gunicorn's sync worker catches the rest and answers its own HTML 500
        # (measured: the worker survives).
        return Call(
            body,
            response=GUNICORN_ERROR,
            error=tracebacks.describe(exc, loaded.roots),
            escaped=True,
            init_calls=loaded.init_calls[0] - init_before,
            elapsed=time.perf_counter() - started,
        )
    elapsed = time.perf_counter() - started
    response, encode_error, is_response = respond(output, loaded.roots)
    culprit = unencodable(output) if encode_error is not None and not is_response else None
    return Call(
        body,
        response=response,
        # run() swallowed the TimeoutError and returned late: the server sends
        # what it returned, but it still ran past its time.
        error=timeout_error(fired[0], loaded.roots, timeout) if fired else None,
        timed_out=bool(fired),
        encode_error=encode_error,
        returned_type=culprit or type_name(output),
        returned_response=is_response,
        double_encoded=holds_json(output),
        init_calls=loaded.init_calls[0] - init_before,
        elapsed=elapsed,
        timeout=timeout,
        # The server's own TimeoutError, swallowed, is reported as the timeout it is.
        caught=seen.caught(tuple(fired), loaded.roots),
    )
