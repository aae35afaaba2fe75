"""The official inference server (``azmlinfsrv``) running one script, on loopback.

The azmlinfsrv CLI binds 0.0.0.0 and has no host flag, so it is never launched
as it is: a launcher sets ``amlserver.DEFAULT_HOST`` to 127.0.0.1 before
``amlserver.run()``, and puts the Python bin folder first on sys.path as the
console script would. The server runs in a session and process group of its
own and is stopped with the whole group: SIGTERM, then SIGKILL (killing only
the master leaves its worker holding the port).

Ready means the first 200 on ``GET /``: the port accepts connections long
before init() has finished (AZUREML_SERVER_FACTS.md).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..core.observations import Body, HttpResponse
from ..isolation.groups import stop_group

HOST = "127.0.0.1"
LAUNCHER = (
    "import os, sys; sys.path[0] = os.path.dirname(sys.executable);"
    # If the test session dies without stopping us (SIGKILL, a CI timeout), the
    # kernel sends the master SIGTERM: gunicorn then stops its workers itself.
    # The parent's pid comes first: a parent already gone before prctl() ran means leave now.
    " parent = int(sys.argv.pop(1));"
    " import ctypes, signal; ctypes.CDLL(None).prctl(1, signal.SIGTERM);"
    " os.getppid() == parent or os._exit(1);"
    " import azureml_inference_server_http.amlserver as server;"
    f" server.DEFAULT_HOST = {HOST!r};"
    " sys.argv = ['azmlinfsrv', *sys.argv[1:]];"
    " server.run()"
)
#: gunicorn logs this each time it starts a worker (a respawn loop repeats it).
_BOOTING = re.compile(rb"Booting worker with pid: (\d+)")
#: Worker boots seen with no readiness that make a respawn loop.
RESPAWN_LOOP = 3
_LOG_TAIL = 6000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


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
    ) -> None:
        self.script = script
        self.app_root = app_root
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self._log: IO[bytes] = tempfile.TemporaryFile(prefix="score-contract-server-")
        args = [
            sys.executable,
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
        # gunicorn >= 25.1 shares a control socket under ~/.gunicorn/: parallel servers need it off.
        env["GUNICORN_CMD_ARGS"] = (env.get("GUNICORN_CMD_ARGS", "") + " --no-control-socket").strip()
        if scoring_timeout is not None:
            env["SCORING_TIMEOUT_MS"] = str(int(scoring_timeout * 1000))
        self.started = time.perf_counter()
        self._process = subprocess.Popen(
            args,
            cwd=app_root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._session: Any = None
        self._scanned = 0
        self._boots = 0

    # -- readiness -------------------------------------------------------------

    def wait_ready(self, timeout: float) -> Boot:
        """Poll ``GET /`` until the first 200, the process exits, a respawn loop shows, or time runs out."""
        import requests

        deadline = self.started + timeout
        session = self.http()
        while True:
            if self._process.poll() is not None:
                return self._boot(False, f"the server exited with code {self._process.returncode}")
            boots = self.worker_boots()
            if boots >= RESPAWN_LOOP:
                return self._boot(False, f"gunicorn started a worker {boots} times: it dies while booting")
            if time.perf_counter() > deadline:
                return self._boot(False, f"not ready after {timeout:g} s")
            try:
                if session.get(self.url + "/", timeout=max(0.05, min(1.0, deadline - time.perf_counter()))).ok:
                    return self._boot(True)
            except requests.RequestException:
                pass
            time.sleep(0.02)

    def _boot(self, ready: bool, problem: str = "") -> Boot:
        return Boot(
            ready=ready,
            seconds=time.perf_counter() - self.started,
            port=self.port,
            exit_code=self._process.poll(),
            worker_boots=self.worker_boots(),
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
        """Workers gunicorn has started so far; reads only what the log gained since the last call."""
        size = self.log_size()
        if size > self._scanned:
            try:
                self._log.seek(self._scanned)
                chunk = self._log.read(size - self._scanned)
            except (OSError, ValueError):
                return self._boots
            complete = chunk.rfind(b"\n") + 1  # a line still being written is counted next time
            self._boots += len(_BOOTING.findall(chunk[:complete]))
            self._scanned += complete
        return self._boots

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
        # gunicorn leaves within a second of SIGTERM, after in-flight requests.
        stop_group(self._process, grace=10)
        self._log.close()
