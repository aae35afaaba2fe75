"""Answer request bodies with the official server's Flask app, in a subprocess of its own.

The ground truth for tests/test_parity.py. ``answer(script, bodies)`` starts one
fresh interpreter per script (the server's config is a module-level singleton
read at import, and the inference-schema registry and the ``@rawhttp`` flag are
process-global, so two scripts cannot share a process), sets the environment and
working folder *before* importing ``azureml_inference_server_http.server``, builds
the app with ``create_app.create()`` and POSTs every body to ``/score`` through
Flask's test client. What the app answered travels back as JSON.

Run as a script, this file is that subprocess:
``python official_app.py SCRIPT OUT.json < bodies.json``.

Where the platform forks, a script's process is not a fresh interpreter but a fork of a zygote
(``python official_app.py --zygote SOCKET``, one per test process) that has imported, once, everything the
server imports and then dropped the server's own modules: Flask, OpenTelemetry and Azure Monitor's exporter are
0.45 s of the 0.55 s a fresh interpreter takes to import the server, paid 60 times by test_parity on each Python.
The fork takes the environment, the folder and the ``sys.path`` a fresh process has, and imports the server
itself, whose config is read at import: the same code of the server on the same environment. Its output
reaches the test through the connection, as the subprocess's reached it through its pipe. (multiprocessing's
forkserver was tried first: each of its children imports the parent's ``__main__``, pytest, again.)

``launch()`` forks the real server the same way for tests/test_parity_http.py: OfficialServer's own launcher
(``python -c LAUNCHER``: gunicorn, 127.0.0.1) run in a fork of the zygote, in a session of its own, writing to the
server's log; a second fork waits for it and tells the test its pid and exit code (``Launched``, what OfficialServer
reads from a Popen). A boot was 0.9 s of CPU, mostly imports; forked, ~0.2 s.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # this file is also the subprocess's script: import nothing of ours there
    from score_contract.core.observations import Body

TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Answer:
    """What the official app did with one body."""

    status: int = 0
    #: In the order the app sent them, repeated names included.
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    #: An exception that escaped the test client (e.g. ``SystemExit: 0`` from run()).
    escaped: str = ""


@dataclass(frozen=True)
class Boot:
    """The official app's answers for one script, or why it did not start."""

    answers: tuple[Answer, ...]
    #: ``create()`` raised SystemExit with this code (init() failed, bad run() ...).
    exit_code: int | None
    #: What the server logged: shown when a comparison fails.
    log: str


def answer(script: Path, bodies: Sequence[Body], env: dict[str, str]) -> Boot:
    """Send each request to the official app serving ``script`` (its method, target,
    headers, Content-Type and data).

    ``env`` must hold AZUREML_ENTRY_SCRIPT (absolute) and AML_APP_ROOT; the
    subprocess runs in ``script``'s folder. An empty content type sends none.
    """
    return finish(start(script, bodies, env))


@dataclass
class Pending:
    #: a fresh interpreter, or the connection to a fork of the zygote (its output, until it exits)
    process: subprocess.Popen[bytes] | socket.socket
    out: Path
    count: int


def start(script: Path, bodies: Sequence[Body], env: dict[str, str]) -> Pending:
    """Like :func:`answer`, without waiting: the process starts at once."""
    handle, name = tempfile.mkstemp(prefix="official-app-", suffix=".json")
    os.close(handle)
    requests = [
        {
            "data": base64.b64encode(b.data).decode("ascii"),
            "content_type": b.content_type,
            "method": b.method,
            "target": b.target,
            "headers": list(b.headers),
        }
        for b in bodies
    ]
    zygote = _Zygote.running()
    if zygote is not None:
        return Pending(zygote.fork(str(script), name, requests, env), Path(name), len(bodies))
    process = subprocess.Popen(
        [sys.executable, __file__, str(script), name],
        cwd=script.parent,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps(requests).encode("utf-8"))
    process.stdin.close()
    return Pending(process, Path(name), len(bodies))


def finish(pending: Pending) -> Boot:
    """Wait for the process of :func:`start` and read what it wrote."""
    try:
        code: int | None = None
        if isinstance(pending.process, socket.socket):
            with pending.process as connection:
                connection.settimeout(TIMEOUT_SECONDS)
                log = _received(connection).decode("utf-8", "replace")
        else:
            assert pending.process.stdout is not None
            log = pending.process.stdout.read().decode("utf-8", "replace")
            code = pending.process.wait(timeout=TIMEOUT_SECONDS)
        text = pending.out.read_text()
    finally:
        pending.out.unlink(missing_ok=True)
    if not text:
        raise RuntimeError(f"the official app's subprocess wrote nothing (rc={code}):\n{log}")
    result = json.loads(text)
    answers = tuple(
        Answer(
            status=a.get("status", 0),
            headers=tuple((k, v) for k, v in a.get("headers", ())),
            body=base64.b64decode(a.get("body", "")),
            escaped=a.get("escaped", ""),
        )
        for a in result["answers"]
    )
    return Boot(answers, result.get("exit_code"), log)


class _Zygote:
    """The process each script's process is forked from (see the module's docstring); one per test process."""

    _lock = threading.Lock()
    _started: list[_Zygote | None] = []

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="official-zygote-")
        self.address = os.path.join(self.folder, "socket")
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--zygote", self.address],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not os.path.exists(self.address):
            if self.process.poll() is not None or time.monotonic() > deadline:
                assert self.process.stderr is not None
                raise RuntimeError(f"the official app's zygote did not start:\n{self.process.stderr.read().decode()}")
            time.sleep(0.01)
        atexit.register(self.stop)

    @classmethod
    def running(cls) -> _Zygote | None:
        """The zygote of this process, started at the first call; None where the platform cannot fork."""
        with cls._lock:
            if not cls._started:
                cls._started.append(cls() if hasattr(os, "fork") and hasattr(socket, "AF_UNIX") else None)
            return cls._started[0]

    def fork(self, script: str, out: str, requests: list[dict[str, Any]], env: dict[str, str]) -> socket.socket:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(self.address)
        asked = {"script": script, "out": out, "requests": requests, "env": env, "cwd": os.path.dirname(script)}
        connection.sendall(json.dumps(asked).encode("utf-8"))
        connection.shutdown(socket.SHUT_WR)
        return connection

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _received(connection: socket.socket) -> bytes:
    """All the connection carries until the other side shuts its end."""
    return b"".join(iter(lambda: connection.recv(65536), b""))


def _zygote(address: str) -> None:
    """The zygote: import what the server imports, drop the server's own modules, fork a process per connection."""
    sys.path[0] = os.path.dirname(sys.executable)  # as in _serve's process (see __main__ below)
    fresh = list(sys.path)
    # What azmlinfsrv's gunicorn master imports besides (served(): tests/test_parity_http.py).
    import azureml_inference_server_http.amlserver  # noqa: F401
    import azureml_inference_server_http.server.create_app  # noqa: F401
    import gunicorn.app.base  # noqa: F401
    import gunicorn.arbiter  # noqa: F401
    import gunicorn.workers.sync  # noqa: F401

    for name in [name for name in sys.modules if name.split(".")[0] == "azureml_inference_server_http"]:
        del sys.modules[name]
    parent = os.getppid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the forks
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address + ".binding")
    listener.listen(64)
    os.rename(address + ".binding", address)  # the address appears once it accepts
    listener.settimeout(1.0)
    while os.getppid() == parent:  # ends with the test process that started it
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _forked(connection, fresh)
        connection.close()


def _forked(connection: socket.socket, path: list[str]) -> None:
    """A fork of the zygote: made what a fresh ``python official_app.py`` is, then served; its output goes back
    through the connection."""
    connection.settimeout(None)
    first, fds, _, _ = socket.recv_fds(connection, 1 << 16, 1)
    asked = json.loads(first + _received(connection))
    if "launch" in asked:
        _launched(connection, asked, fds[0], path)
    _as_a_fresh_process(asked, connection.fileno(), path)
    _exit_as_python_would(lambda: _serve(asked["script"], asked["out"], asked["requests"]))


def _as_a_fresh_process(asked: dict[str, Any], output: int, path: list[str]) -> None:
    """Make this fork what a fresh ``python`` started by the test would be: no input, its output to ``output``,
    the environment, the folder and the ``sys.path`` a fresh process has."""
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.environ.clear()
    os.environ.update(asked["env"])
    os.chdir(asked["cwd"])
    sys.path[:] = path


def _exit_as_python_would(run: Callable[[], object]) -> None:
    """Run, then leave with the code the interpreter would exit with (a SystemExit's, 1 after a traceback), and
    without the zygote's exit handlers."""
    code: int = 0
    try:
        run()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _launched(connection: socket.socket, asked: dict[str, Any], log: int, path: list[str]) -> None:
    """A fork of the zygote that runs azmlinfsrv's launcher (score_contract.official.server.LAUNCHER) as
    ``python -c LAUNCHER ARGS`` would, in a fork of its own in a session of its own, writing to the server's log;
    this one waits for it and tells the test its pid and then its exit code, as a Popen would know them."""
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: gone with the zygote, and so the server
    waiter = os.getpid()
    server = os.fork()
    if server == 0:
        connection.close()
        os.setsid()
        _as_a_fresh_process(asked, log, path)
        sys.argv = ["-c", str(waiter), *asked["args"]]  # the launcher takes argv[1] for the process it dies with
        launcher = compile(asked["launch"], "<string>", "exec")
        _exit_as_python_would(lambda: exec(launcher, {"__name__": "__main__", "__builtins__": __builtins__}))
    os.close(log)
    connection.sendall(json.dumps({"pid": server}).encode() + b"\n")
    _, status = os.waitpid(server, 0)
    connection.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
    os._exit(0)


class Launched:
    """What subprocess.Popen gives OfficialServer, for a launcher forked from the zygote: its pid (the leader of its
    process group), poll(), wait() and returncode, read from the fork that waits for it."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._lines = b""
        self.returncode: int | None = None
        self.pid = int(json.loads(self._line(TIMEOUT_SECONDS))["pid"])

    def _line(self, timeout: float | None) -> bytes:
        while b"\n" not in self._lines:
            self._connection.settimeout(timeout)
            chunk = self._connection.recv(4096)
            if not chunk:
                raise RuntimeError("the zygote's fork left without a word")
            self._lines += chunk
        line, self._lines = self._lines.split(b"\n", 1)
        return line

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = int(json.loads(self._line(0.0))["exit"])
            except (BlockingIOError, TimeoutError):
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            try:
                self.returncode = int(json.loads(self._line(timeout))["exit"])
            except (BlockingIOError, TimeoutError):
                raise subprocess.TimeoutExpired("azmlinfsrv (forked)", timeout or 0.0) from None
            self._connection.close()
        return self.returncode


def launch(args: list[str], cwd: Path, env: dict[str, str], log: int) -> Launched | None:
    """Fork ``python -c LAUNCHER ARGS`` (``args``: what follows the launcher's own parent pid) from this process's
    zygote; None where the platform cannot fork."""
    zygote = _Zygote.running()
    if zygote is None:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(zygote.address)
    from score_contract.official.server import LAUNCHER

    asked = {"launch": LAUNCHER, "args": args, "env": env, "cwd": str(cwd)}
    socket.send_fds(connection, [json.dumps(asked).encode("utf-8")], [log])
    connection.shutdown(socket.SHUT_WR)
    return Launched(connection)


def _serve(script: str, out: str, requests: list[dict[str, Any]]) -> None:
    """The subprocess: boot the app the way the server's worker does, then answer."""
    assert os.environ["AZUREML_ENTRY_SCRIPT"] == script, "the environment must be set before the import below"

    from azureml_inference_server_http.server import create_app

    result: dict[str, object] = {"answers": []}
    try:
        client = create_app.create().test_client()
    except SystemExit as exc:  # aml_blueprint.setup(): sys.exit(3) when loading or init() fails
        result["exit_code"] = exc.code
        Path(out).write_text(json.dumps(result))
        return
    answers: list[dict[str, object]] = []
    for request in requests:
        data = base64.b64decode(request["data"])
        headers = [(name, value) for name, value in request["headers"]]
        if request["content_type"]:
            headers.append(("Content-Type", request["content_type"]))
        # content_length: the test client leaves it out for an empty body;
        # requests and curl send `Content-Length: 0` on a POST (not on a bodiless GET).
        length = len(data) if data or request["method"] not in ("GET", "HEAD", "OPTIONS") else None
        try:
            response = client.open(
                request["target"], method=request["method"], data=data, headers=headers, content_length=length
            )
        except BaseException as exc:  # SystemExit / KeyboardInterrupt from run() leave the test client
            answers.append({"escaped": f"{type(exc).__name__}: {exc}"})
            continue
        answers.append(
            {
                "status": response.status_code,
                "headers": response.headers.to_wsgi_list(),
                "body": base64.b64encode(response.get_data()).decode("ascii"),
            }
        )
    result["answers"] = answers
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1] == "--zygote":
        _zygote(sys.argv[2])
    else:
        # As in the azmlinfsrv console script (and score-contract's worker): its
        # folder is sys.path[0], not this file's folder.
        sys.path[0] = os.path.dirname(sys.executable)
        _serve(sys.argv[1], sys.argv[2], json.load(sys.stdin))
