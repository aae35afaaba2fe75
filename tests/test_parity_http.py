"""The engine answers every request as the real server does over HTTP.

tests/test_parity.py holds the engine to the official Flask app in-process; here
the same scripts and bodies (tests/parity_cases.py) go through the engine (a
Sandbox worker) and through ``azmlinfsrv`` itself (score_contract.official.server's
OfficialServer, on 127.0.0.1), gunicorn and sockets included. Its launcher is forked
from tests/official_app.py's zygote (ForkedServer), which has imported the server's
libraries once; test_a_forked_server_answers_as_a_launched_one holds the fork to the
launcher started as OfficialServer starts it. The two must agree
on the status, the body bytes and every header that is neither per-request nor
the connection's own.

Only the real server shows what gunicorn's sync worker decides after the Flask
app has returned (parity_cases.GUNICORN_ONLY): its HTML 500 for run() raising
SystemExit or KeyboardInterrupt, for a response header it cannot send and for a
streamed body that fails at once; a streamed body cut short after its first
chunk; hop-by-hop headers dropped and values trimmed. And only a real client
frames a body as it likes (chunked, or no Content-Length at all). Those are
compared here and nowhere else. The real server is the ground truth: a
difference is a bug of the engine (calling.py, responses.py).
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from score_contract.core.observations import Body, Call, HttpResponse
from score_contract.isolation.sandbox import Sandbox
from score_contract.official.server import HOST, LAUNCHER, OfficialServer
from score_contract.serving.responses import GUNICORN_ERROR
from tests import official_app
from tests.parity_cases import (
    CASES,
    GUNICORN_ONLY,
    PER_REQUEST_HEADERS,
    REFUSED,
    SCORING_TIMEOUTS,
    TIMEOUT,
    Framing,
    answered_by_engine,
    bodies,
    boot_engine,
    comparable,
    script,
    wire_only,
)
from tests.shared import Once

BOOT_TIMEOUT = 60.0

#: The connection's headers, not the answer's: gunicorn's sync worker closes
#: every connection, dates and signs every response, and sends a body of unknown
#: length chunked. Content-Length is still compared: a streamed answer has none
#: on either side.
TRANSPORT_HEADERS = frozenset({"connection", "date", "server", "transfer-encoding"})
IGNORED_HEADERS = PER_REQUEST_HEADERS | TRANSPORT_HEADERS


@dataclass(frozen=True)
class Request:
    """One POST /score: the body, and how the client frames it on the wire.

    ``length`` is what requests and curl send (Content-Length, ``0`` for an empty
    body); ``chunked`` is Transfer-Encoding: chunked, no Content-Length (requests
    with a generator); ``none`` is neither header nor body (``curl -X POST``).
    The engine is given ``body`` whatever the framing: run() must see the same.
    """

    body: Body
    framing: Framing = "length"

    def describe(self) -> str:
        data = self.body.data if len(self.body.data) <= 60 else self.body.data[:60] + b"..."
        framing = "" if self.framing == "length" else f", framed {self.framing}"
        return f"{self.body.source} ({data!r}, Content-Type {self.body.content_type!r}{framing})"


def requests_for(case: str) -> tuple[Request, ...]:
    return (*(Request(body) for body in bodies(case)), *(Request(body, framing) for body, framing in wire_only(case)))


@dataclass(frozen=True)
class Answer:
    """What came back for one request."""

    #: None when no response came at all.
    response: HttpResponse | None
    #: Why the response broke off (the body holds what came before) or never came.
    broken: str = ""


@dataclass(frozen=True)
class Served:
    """What the real server did with one script's requests."""

    ready: bool
    exit_code: int | None
    answers: tuple[Answer, ...]
    #: Worker processes gunicorn started: 1 unless a request killed the worker.
    worker_boots: int
    log: str


def _post(server: OfficialServer, request: Request, timeout: float) -> Answer:
    """POST /score framed as ``request`` says; keep what came if the response breaks off."""
    import requests

    if request.framing == "none":
        assert not request.body.data, "a body without framing cannot be sent"
        # http.client sends Host and Accept-Encoding only; requests would add Content-Length: 0.
        connection = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
        try:
            connection.putrequest("POST", "/score")
            if request.body.content_type:
                connection.putheader("Content-Type", request.body.content_type)
            connection.endheaders()
            reply = connection.getresponse()
            got = tuple(reply.getheaders())
            try:
                return Answer(HttpResponse(reply.status, got, reply.read()))
            except http.client.IncompleteRead as exc:
                return Answer(HttpResponse(reply.status, got, exc.partial), f"IncompleteRead: {exc}")
        finally:
            connection.close()
    headers = dict(request.body.headers)
    if request.body.content_type:
        headers["Content-Type"] = request.body.content_type
    data = request.body.data
    sent: bytes | Iterator[bytes] = data
    if request.framing == "chunked":
        middle = len(data) // 2
        sent = iter((data[:middle], data[middle:]))
    # Not OfficialServer.post: requests' Response.headers joins a repeated header
    # into one "a, b" (the raw urllib3 headers keep each line, as the engine
    # does), and a body that breaks off would be lost.
    url = server.url + request.body.target
    # requests sends no Content-Length for a bodiless GET, HEAD or OPTIONS (the engine does the same).
    sent_data = sent if data or request.body.method not in ("GET", "HEAD", "OPTIONS") else None
    with server.http().request(
        request.body.method, url, data=sent_data, headers=headers, timeout=timeout, stream=True
    ) as reply:
        received = bytearray()
        broken = ""
        try:
            for chunk in reply.iter_content(65536):
                received += chunk
        except requests.RequestException as exc:
            broken = f"{type(exc).__name__}: {exc}"
        response = HttpResponse(reply.status_code, tuple(reply.raw.headers.items()), bytes(received))
    return Answer(response, broken)


class ForkedServer(OfficialServer):
    """The official server as OfficialServer starts it, its launcher forked from official_app's zygote, which has
    imported the server's libraries (Flask, gunicorn, OpenTelemetry, Azure Monitor's exporter) and none of the
    server's own modules: 0.9 s of CPU a boot, paid sixty-odd times here, becomes ~0.2 s.
    test_a_forked_server_answers_as_a_launched_one holds it to the launcher started as a fresh interpreter."""

    def _launch(self, args: list[str], cwd: Path, env: dict[str, str]) -> Any:
        assert args[1:3] == ["-c", LAUNCHER], args  # then the launcher's parent pid, then azmlinfsrv's arguments
        launched = official_app.launch(args[4:], cwd, env, self._log.fileno())
        return launched if launched is not None else super()._launch(args, cwd, env)


def serve(case: str, sent: tuple[Request, ...], server_class: type[OfficialServer] = ForkedServer) -> Served:
    """Boot azmlinfsrv for ``case``, send every request through it, stop it."""
    import requests

    path = script(case)
    server = server_class(path, path.parent, None, scoring_timeout=SCORING_TIMEOUTS.get(case))
    try:
        boot = server.wait_ready(BOOT_TIMEOUT)
        answers: list[Answer] = []
        if boot.ready:
            timeout = SCORING_TIMEOUTS.get(case, TIMEOUT) + 10
            for request in sent:
                try:
                    answers.append(_post(server, request, timeout))
                except (requests.RequestException, OSError, http.client.HTTPException) as exc:
                    answers.append(Answer(None, f"{type(exc).__name__}: {exc}"))
        return Served(boot.ready, boot.exit_code, tuple(answers), server.worker_boots(), server.log_tail())
    finally:
        server.stop()


def _differences(call: Call, answer: Answer) -> list[str]:
    """How the engine's answer differs from the real server's, one line per difference."""
    if answer.response is None:
        return [f"the real server did not answer: {answer.broken}"]
    if call.response is None:
        return [f"the engine's worker died: {call.death}"]
    found = []
    if call.response.status != answer.response.status:
        found.append(f"status: engine {call.response.status}, server {answer.response.status}")
    if call.response.body != answer.response.body:
        found.append(f"body: engine {call.response.body[:300]!r}, server {answer.response.body[:300]!r}")
    ours = comparable(call.response.headers, IGNORED_HEADERS)
    theirs = comparable(answer.response.headers, IGNORED_HEADERS)
    for name in sorted(ours.keys() | theirs.keys()):
        if ours.get(name) != theirs.get(name):
            found.append(f"header {name}: engine {ours.get(name)}, server {theirs.get(name)}")
    if answer.broken and call.encode_error is None:
        # The engine's response is what came before the break; it must also know
        # that the server could not finish sending it.
        found.append(f"the server's response broke off ({answer.broken}); the engine saw no error")
    return found


ANSWERED = [*CASES, *GUNICORN_ONLY]


class Servers:
    """The real server's answers, case by case, two servers at a time in the background."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool
        self._futures: dict[str, Future[Served]] = {}

    def start(self, case: str) -> None:
        if case not in self._futures:
            sent = requests_for(case) if case in ANSWERED else ()
            self._futures[case] = self._pool.submit(serve, case, sent)

    def __getitem__(self, case: str) -> Served:
        self.start(case)
        return self._futures[case].result()


@pytest.fixture(scope="module")
def served(request: pytest.FixtureRequest) -> Iterator[Servers]:
    """Every selected case is started at once, in the order the tests will ask.

    A boot costs ~0.6 s of imports and gunicorn start-up: in the background, two
    at a time, the servers answer while the tests drive the engine.
    """
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="official-server")
    servers = Servers(pool)
    for item in request.session.items:
        if isinstance(item, pytest.Function) and item.module is request.module and hasattr(item, "callspec"):
            servers.start(str(item.callspec.params["case"]))
    yield servers
    # Each server is stopped inside serve(); one not yet started never starts.
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize("case", ANSWERED)
def test_engine_answers_like_the_real_server(case: str, served: Servers, once: Once[list[Call]]) -> None:
    sent = requests_for(case)
    calls = answered_by_engine(once, case)
    real = served[case]
    assert real.ready, f"the real server did not boot (exit code {real.exit_code}):\n{real.log}"
    assert len(real.answers) == len(sent), real.log
    # Requests that differ in the same way are listed together: one engine bug
    # usually shows on every body.
    differing: dict[tuple[str, ...], list[str]] = {}
    for request, call, answer in zip(sent, calls, real.answers, strict=True):
        found = _differences(call, answer)
        if found:
            differing.setdefault(tuple(found), []).append(request.describe())
    count = sum(len(requests) for requests in differing.values())
    assert not differing, (
        f"{count} of {len(sent)} requests answered differently:\n"
        + "\n".join(
            "\n".join(f"  {r}" for r in requests) + "\n" + "\n".join(f"      {line}" for line in found)
            for found, requests in differing.items()
        )
        + f"\nserver log:\n{real.log}"
    )
    # The engine's worker runs init() once and keeps serving; so must gunicorn's
    # (a BaseException from run() included: the sync worker survives it).
    assert real.worker_boots == 1, f"gunicorn started {real.worker_boots} workers:\n{real.log}"
    assert all(call.init_calls == 0 for call in calls)


#: Cases where gunicorn itself answers every body run() gets: its HTML 500.
GUNICORN_ANSWERS = (
    "run-raises-system-exit",
    "run-raises-keyboard-interrupt",
    "amlresponse-header-not-latin-1",
    "flask-response-header-control-character",
    "flask-response-header-name-with-space",
    "flask-response-stream-raises-at-once",
)


@pytest.mark.parametrize("case", GUNICORN_ANSWERS)
def test_gunicorns_own_500_is_the_engines_byte_for_byte(case: str, served: Servers) -> None:
    """Not one of the server's JSON errors: responses.GUNICORN_ERROR is what went out, headers included."""
    answer = served[case].answers[0]
    assert answer.response is not None and not answer.broken, answer
    assert answer.response.status == GUNICORN_ERROR.status
    assert answer.response.body == GUNICORN_ERROR.body
    assert comparable(answer.response.headers, PER_REQUEST_HEADERS) == comparable(GUNICORN_ERROR.headers)


def test_a_stream_that_raises_midway_breaks_off_after_its_first_chunk(served: Servers) -> None:
    """The engine's claim (a 200 whose body ends early) is only worth its parity test if the server really cuts it."""
    answer = served["flask-response-stream-breaks-off"].answers[0]
    assert answer.response is not None and answer.broken, answer
    assert (answer.response.status, answer.response.body) == (200, b"first token, ")


@pytest.mark.parametrize("case", REFUSED)
def test_engine_refuses_to_boot_like_the_real_server(case: str, served: Servers) -> None:
    path = script(case)
    sandbox = Sandbox(path, path.parent, None)
    try:
        imported, initialized = boot_engine(sandbox, path)
    finally:
        sandbox.close()
    real = served[case]
    assert not real.ready and real.exit_code == 3, f"the real server booted or exited otherwise:\n{real.log}"
    engine_refused = not imported.accepted or (initialized is not None and not initialized.ok)
    assert engine_refused, (imported, initialized)


def test_the_comparison_sees_a_difference() -> None:
    """Guard against a comparison that passes whatever the engine answers."""
    call = Call(Body(b"{}", "x"), response=HttpResponse(200, (("Content-Type", "application/json"),), b"{}"))
    same = HttpResponse(200, (("Content-Type", "application/json"), ("Date", "now"), ("x-request-id", "1")), b"{}")
    other_type = HttpResponse(200, (("Content-Type", "text/html"),), b"{}")
    repeated = HttpResponse(200, (("Content-Type", "application/json"), ("X-A", "a"), ("X-A", "b")), b"{}")
    assert _differences(call, Answer(same)) == []
    assert _differences(call, Answer(other_type)) != []
    assert _differences(call, Answer(repeated)) != []
    assert _differences(call, Answer(same, "ChunkedEncodingError")) != []
    assert _differences(call, Answer(None, "ConnectionError")) != []


#: One case per way the server can end up: it answers JSON, gunicorn answers its own 500 (run() raised
#: SystemExit), a scoring timeout, a streamed answer, and a boot that fails (init() raises: the exit code).
FORK_CHECKED = (
    "returns-dict",
    "run-raises-system-exit",
    "run-times-out",
    "flask-response-streamed",
    "boot-init-raises",
)


@pytest.mark.parametrize("case", FORK_CHECKED)
def test_a_forked_server_answers_as_a_launched_one(case: str) -> None:
    """The forked launcher is the launcher: the same readiness, exit code, answers (status, body, headers but the
    per-request ones) and worker boots as ``python -c LAUNCHER`` started by OfficialServer itself."""
    sent = requests_for(case) if case in ANSWERED else ()
    forked, launched = serve(case, sent), serve(case, sent, OfficialServer)
    assert (forked.ready, forked.exit_code, forked.worker_boots) == (
        launched.ready,
        launched.exit_code,
        launched.worker_boots,
    ), f"forked:\n{forked.log}\nlaunched:\n{launched.log}"
    assert len(forked.answers) == len(launched.answers) == len(sent)
    for ours, theirs in zip(forked.answers, launched.answers, strict=True):
        assert (ours.broken, ours.response is None) == (theirs.broken, theirs.response is None)
        if ours.response is not None and theirs.response is not None:
            assert (ours.response.status, ours.response.body) == (theirs.response.status, theirs.response.body)
            assert comparable(ours.response.headers, IGNORED_HEADERS) == comparable(
                theirs.response.headers, IGNORED_HEADERS
            )
