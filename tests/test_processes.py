"""No process of ours outlives the session: not a worker, not what a script
started, not after Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from score_contract.online.runner import MAX_RESTARTS
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


def test_a_worker_that_keeps_dying_stops_the_sending_and_the_note_says_so_honestly() -> None:
    """run() ends the process on every negative amount: after the restart limit the note
    names that reason and the number of bodies really sent, and nothing not sent is
    counted as refused."""
    script = SCRIPTS / "run_exits_often" / "score.py"
    done = subprocess.run(
        pytest_command("--score", str(script), "--hypothesis-seed=1"),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout[-3000:]
    note = re.search(
        r"sending stopped because run\(\) ended the worker process (\d+) times: (\d+) bodies were sent", done.stdout
    )
    assert note is not None, done.stdout[-3000:]
    assert int(note.group(1)) == MAX_RESTARTS
    summary = re.search(r"run_exits_often/score.py: (.*)", done.stdout.split("bodies sent", 1)[1])
    assert summary is not None
    assert int(note.group(2)) == sum(int(n) for n in re.findall(r"(\d+) [a-z]", summary.group(1)))
    assert "refused before run() saw" not in done.stdout and "could not be restarted" not in done.stdout
    assert 'smallest failing body (a boundary of the contract): {"amount": -1}' in done.stdout


def test_a_log_read_while_its_process_writes_loses_no_line() -> None:
    """The worker's and the official server's logs are read while they are written (readiness, what a call printed):
    reading moves the offset the child writes at, and a log not opened for appending was written over (a server's
    "Booting worker" line went missing under load)."""
    from score_contract.isolation.groups import shared_log

    count = 20000
    with shared_log("score-contract-test-") as log:
        child = subprocess.Popen(
            [sys.executable, "-c", f"import sys\nfor i in range({count}): print(f'line {{i}}', flush=True)"],
            stdout=log,
        )
        reads = 0
        while child.poll() is None:
            log.seek(0)
            log.read()
            reads += 1
        assert child.wait() == 0
        log.seek(0)
        lines = log.read().decode().splitlines()
    assert reads > 1
    assert lines == [f"line {i}" for i in range(count)]
