"""Start the official server (azmlinfsrv 1.5) for a test, on 127.0.0.1 only.

The azmlinfsrv CLI binds 0.0.0.0 and has no host flag, so it is never launched
as is: a launcher sets ``amlserver.DEFAULT_HOST`` before ``amlserver.run()``, and
puts the Python bin folder first on sys.path as the console script would. The
server runs in its own process group and is stopped with the whole group.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

LAUNCHER = (
    "import os, sys; sys.path[0] = os.path.dirname(sys.executable);"
    " import azureml_inference_server_http.amlserver as server;"
    " server.DEFAULT_HOST = '127.0.0.1';"
    " sys.argv = ['azmlinfsrv', *sys.argv[1:]];"
    " server.run()"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def official_server(
    entry_script: str, *, cwd: Path, model_dir: Path | None = None, boot_timeout: float = 30
) -> Iterator[str]:
    """Run ``cd cwd && azmlinfsrv --entry_script ENTRY [--model_dir DIR]``; yield its URL."""
    port = free_port()
    args = [sys.executable, "-c", LAUNCHER, "--entry_script", entry_script, "--port", str(port)]
    if model_dir is not None:
        args += ["--model_dir", str(model_dir)]
    env = {**os.environ, "GUNICORN_CMD_ARGS": "--no-control-socket"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + boot_timeout
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the official server did not become ready:\n{log.read().decode()[-3000:]}")
                try:
                    if requests.get(url + "/", timeout=5).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                time.sleep(0.05)
            yield url
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
