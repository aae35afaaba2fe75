"""The official inference server (``azmlinfsrv``) running one script, on loopback.

The azmlinfsrv CLI binds 0.0.0.0 and has no host flag, so it is never launched
as it is: a launcher sets ``amlserver.DEFAULT_HOST`` to 127.0.0.1 before
``amlserver.run()``, and puts the Python bin folder first on sys.path as the
console script would. The server runs in a session and process group of its
own and is stopped with the whole group: SIGTERM, then SIGKILL (killing only
the master leaves its worker holding the port). Should the session die without
stopping it, the kernel kills the master (``PR_SET_PDEATHSIG``) and each worker
with it, whatever they are busy with: gunicorn's own SIGTERM handling would wait
up to 30 s for a worker inside init().

Ready means the first 200 on ``GET /`` and every worker's "ready for serving
traffic" line in the log (:mod:`.boot_log`): the port accepts connections long
before init() has finished (AZUREML_SERVER_FACTS.md), and the first worker may
serve while the second fails its init() and takes the server down.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..core.observations import Body, HttpResponse
from ..core.versions import package_version
from ..isolation.groups import shared_log, stop_group
from ..isolation.sandbox import outside_our_python
from .boot_log import BootLog

HOST = "127.0.0.1"
#: Runs ``azmlinfsrv`` in-process on 127.0.0.1, tied to the session that started it.
#: Self-contained (``python -c``): the server's Python need not hold score-contract.
LAUNCHER = f"""
import os, sys
sys.path[0] = os.path.dirname(sys.executable)  # as the azmlinfsrv console script runs
import ctypes, signal
prctl = ctypes.CDLL(None).prctl
# If the test session dies without stopping us (SIGKILL, a CI timeout), the kernel
# kills the master at once: a SIGTERM would wait for workers busy in init().
parent = int(sys.argv.pop(1))
prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != parent:  # the session left before prctl() took effect
    os._exit(1)
import gunicorn.config

def post_fork(server, worker):
    # ... and each worker dies with the master, whatever it is busy with.
    prctl(1, signal.SIGKILL)
    if os.getppid() != server.pid:
        os._exit(1)

setting = next(c for c in gunicorn.config.KNOWN_SETTINGS if c.name == "post_fork")
setting.default = staticmethod(post_fork)
import azureml_inference_server_http.amlserver as server
server.DEFAULT_HOST = {HOST!r}
sys.argv = ["azmlinfsrv", *sys.argv[1:]]
server.run()
"""
#: How long a server may take to leave after SIGTERM before its group is killed:
#: a healthy one leaves in well under a second; a worker busy in init() or run()
#: does not leave before it returns.
STOP_GRACE = 2.0
_LOG_TAIL = 6000
#: Versions of the server that log no worker's readiness: ready this long after the first 200.
_NO_READY_LINES = 2.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _has_control_socket(version: str | None) -> bool:
    """Whether this gunicorn (None: ours) takes --no-control-socket (25.1 and later)."""
    if version is None:
        version = package_version("gunicorn")
        if version is None:
            return False
    from packaging.version import InvalidVersion, Version

    try:
        return Version(version) >= Version("25.1")
    except InvalidVersion:
        return False


def server_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("azureml_inference_server_http") is not None


@dataclass(frozen=True)
class Boot:
    """How starting the server went."""

    ready: bool
    seconds: float
    port: int
    exit_code: int | None = None
    #: How many times gunicorn started a worker before the server was ready (or gave up).
    worker_boots: int = 0
    workers: int = 1
    #: Why it is not ready, in one sentence.
    problem: str = ""
    log: str = ""


class OfficialServer:
    """One ``azmlinfsrv`` process group serving one script on 127.0.0.1."""

    def __init__(
        self,
        script: Path,
        app_root: Path,
        model_dir: Path | None,
        *,
        workers: int = 1,
        scoring_timeout: float | None = None,
        port: int | None = None,
        python: Path | None = None,
        variables: dict[str, str] | None = None,
        gunicorn: str | None = None,
    ) -> None:
        """``python``: a deployment environment's interpreter (default: this one), ``gunicorn`` the
        version installed there; ``variables``: set on top of ours (a deployment's own)."""
        self.script = script
        self.app_root = app_root
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self._log: IO[bytes] = shared_log("score-contract-server-")
        args = [
            str(python or sys.executable),
            "-c",
            LAUNCHER,
            str(os.getpid()),
            "--entry_script",
            str(script),
            "--port",
            str(self.port),
        ]
        if model_dir is not None:
            args += ["--model_dir", str(model_dir)]
        if workers != 1:
            args += ["--worker_count", str(workers)]
        env = dict(os.environ)
        if python is not None:
            env = outside_our_python(env)
        env.update(variables or {})
        if _has_control_socket(gunicorn):
            # gunicorn >= 25.1 shares a control socket under ~/.gunicorn/: parallel servers need it off.
            env["GUNICORN_CMD_ARGS"] = (env.get("GUNICORN_CMD_ARGS", "") + " --no-control-socket").strip()
        if scoring_timeout is not None:
            env["SCORING_TIMEOUT_MS"] = str(int(scoring_timeout * 1000))
        self.started = time.perf_counter()
        self._process = self._launch(args, app_root, env)
        self._session: Any = None
        self._scanned = 0
        self._workers = BootLog(workers)

    def _launch(self, args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        """Start the launcher, its output into the log, in a session of its own. (tests/test_parity_http.py forks it
        from a process that imported the server's libraries once, for its sixty-odd boots.)"""
        return subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    # -- readiness -------------------------------------------------------------

    def wait_ready(self, timeout: float, waiting: Callable[[str, float], None] | None = None) -> Boot:
        """Poll ``GET /`` until the first 200 with every worker ready, the process
        exits, a respawn loop shows, or time runs out; ``waiting("the official server", timeout)``
        is called on every turn (it decides itself when to say something)."""
        import requests

        deadline = self.started + timeout
        session = self.http()
        answered_at: float | None = None
        while True:
            if self._process.poll() is not None:
                return self._boot(False, self._exit_problem())
            self._read_workers()
            loop = self._workers.respawn_loop()
            if loop:
                return self._boot(False, loop)
            now = time.perf_counter()
            if now > deadline:
                ready = self._workers.not_ready()
                return self._boot(False, f"not ready after {timeout:g} s" + (f" ({ready})" if ready else ""))
            if answered_at is not None and (
                self._workers.all_ready() or (not self._workers.ready and now - answered_at > _NO_READY_LINES)
            ):
                return self._boot(True)
            if answered_at is None:
                try:
                    if session.get(self.url + "/", timeout=max(0.05, min(1.0, deadline - now))).ok:
                        answered_at = time.perf_counter()
                        continue
                except requests.RequestException:
                    pass
            if waiting is not None:
                waiting("the official server to be ready", timeout)
            time.sleep(0.02)

    def _exit_problem(self) -> str:
        self._read_workers()
        problem = f"the server exited with code {self._process.returncode}"
        cause = self._workers.cause()
        if cause is not None:
            ready = len(self._workers.ready)
            which = f"{ready} of {self.workers} workers had booted; " if ready else ""
            problem += f": {which}worker {cause} {self._workers.died[cause]} while booting"
        if self._workers.halted:
            problem += f" (gunicorn: {self._workers.halted})"
        return problem

    def _boot(self, ready: bool, problem: str = "") -> Boot:
        return Boot(
            ready=ready,
            seconds=time.perf_counter() - self.started,
            port=self.port,
            exit_code=self._process.poll(),
            worker_boots=self.worker_boots(),
            workers=self.workers,
            problem=problem,
            log="" if ready else self.log_tail(),
        )

    # -- HTTP ------------------------------------------------------------------

    def http(self) -> Any:
        if self._session is None:
            import requests

            self._session = requests.Session()
            # Loopback only: no proxy from the environment may sit in between.
            self._session.trust_env = False
        return self._session

    def post(self, body: Body, timeout: float) -> HttpResponse:
        """Send the request to /score as a plain HTTP client would (a POST, unless a
        .http sample says otherwise); raises requests' errors."""
        headers = dict(body.headers)
        if body.content_type:
            headers["Content-Type"] = body.content_type
        # No Content-Length on a bodiless GET, as the engine models it.
        data = body.data if body.data or body.method not in ("GET", "HEAD", "OPTIONS") else None
        answer = self.http().request(body.method, self.url + body.target, data=data, headers=headers, timeout=timeout)
        return HttpResponse(answer.status_code, tuple(answer.headers.items()), answer.content)

    def get(self, path: str, timeout: float = 10) -> HttpResponse:
        answer = self.http().get(self.url + path, timeout=timeout)
        return HttpResponse(answer.status_code, tuple(answer.headers.items()), answer.content)

    # -- the process -----------------------------------------------------------

    def worker_boots(self) -> int:
        """Workers gunicorn has started so far, replacements included."""
        self._read_workers()
        return self._workers.boots

    def _read_workers(self) -> None:
        """Feed what the log gained since the last call to the workers' story."""
        size = self.log_size()
        if size > self._scanned:
            try:
                self._log.seek(self._scanned)
                chunk = self._log.read(size - self._scanned)
            except (OSError, ValueError):
                return
            self._workers.feed(chunk)
            self._scanned += len(chunk)

    @property
    def pid(self) -> int:
        """The gunicorn master's pid, which is also its process group's id."""
        return self._process.pid

    def alive(self) -> bool:
        return self._process.poll() is None

    def exit_code(self) -> int | None:
        return self._process.poll()

    def _read_log(self) -> bytes:
        try:
            self._log.flush()
            self._log.seek(0)
            return self._log.read()
        except (OSError, ValueError):
            return b""

    def log_tail(self, size: int = _LOG_TAIL) -> str:
        data = self._read_log()[-size:]
        text = data.decode("utf-8", "replace")
        return text.split("\n", 1)[-1] if len(data) == size else text

    def log_since(self, offset: int) -> str:
        return self._read_log()[offset:].decode("utf-8", "replace")

    def log_size(self) -> int:
        try:
            return os.fstat(self._log.fileno()).st_size
        except (OSError, ValueError):
            return 0

    def stop(self) -> None:
        """SIGTERM to the whole process group, wait, then SIGKILL; close the log."""
        if self._session is not None:
            self._session.close()
            self._session = None
        self._read_workers()
        # No worker ever served: none has a request to finish, and one inside init()
        # would not heed SIGTERM before init() returns.
        stop_group(self._process, grace=STOP_GRACE if self._workers.serving() else 0.0)
        self._log.close()
