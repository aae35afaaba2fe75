"""No process of ours outlives the session: not a worker, not what a script
started, not after Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from tests.conftest import REPO, SCRIPTS


def pytest_command(*args: str) -> list[str]:
    # Python ignores SIGINT when its parent ignored it; restore the default so
    # that the session sees Ctrl-C as a terminal would deliver it.
    launcher = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.executable, sys.argv[1:])"
    )
    return [sys.executable, "-c", launcher, sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]


def wait_for(predicate: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_child_process_left_by_the_script_is_stopped_with_its_worker(tmp_path: Path) -> None:
    script = SCRIPTS / "run_spawns_child" / "score.py"
    marker = script.parent / "child.pid"
    marker.unlink(missing_ok=True)
    try:
        done = subprocess.run(pytest_command("--score", str(script)), cwd=REPO, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stdout
        child = int(marker.read_text())
        wait_for(lambda: not alive(child), timeout=10)
    finally:
        marker.unlink(missing_ok=True)


def test_ctrl_c_stops_the_session_and_every_worker(tmp_path: Path) -> None:
    marker = tmp_path / "worker.pid"
    env = {**os.environ, "SCORE_CONTRACT_TEST_MARKER": str(marker)}
    script = SCRIPTS / "run_waits_forever" / "score.py"
    session = subprocess.Popen(
        pytest_command("--score", str(script), "--score-timeout", "600"),
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(marker.exists)
        worker = int(marker.read_text())
        assert alive(worker)
        session.send_signal(signal.SIGINT)
        output, _ = session.communicate(timeout=30)
        assert b"KeyboardInterrupt" in output
        wait_for(lambda: not alive(worker), timeout=10)
    finally:
        if session.poll() is None:
            session.kill()
