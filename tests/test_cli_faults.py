"""The score-contract command under faults, done for real: a reader that closes the pipe
early (`| head`), Ctrl-C while run() is busy, in-process and through the official server.
Unix tools end quietly then: no traceback, a shell's exit status, and nothing they started
left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import REPO

#: What the command started must be gone within this once it has exited.
GONE_WITHIN = 5.0

#: run() says it is busy (a marker file), then sleeps until it is stopped.
BUSY_SCRIPT = """import os
import time


def init():
    pass


def run(raw_data):
    open(os.environ["SCORE_CONTRACT_TEST_MARKER"], "w").close()
    while True:
        time.sleep(0.05)
"""


def cli_command(*args: str) -> list[str]:
    # Python ignores SIGINT when its parent ignored it (a test run in the background);
    # restore the default so that the command sees Ctrl-C as a terminal would deliver it.
    launcher = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.executable, sys.argv[1:])"
    )
    return [sys.executable, "-c", launcher, sys.executable, "-m", "score_contract_cli", *args]


@pytest.mark.parametrize(
    "args",
    [
        ["replay", "tests/scripts/good/score.py", "--body", '{"data": [[1, 2]]}'],
        ["check", "tests/scripts/good/score.py", "--", "-p", "no:cacheprovider"],
    ],
    ids=["replay", "check"],
)
def test_a_reader_that_closes_the_pipe_early_ends_the_command_quietly(args: list[str]) -> None:
    command = subprocess.Popen(cli_command(*args), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert command.stdout is not None and command.stderr is not None
    command.stdout.close()  # `| head` that has read enough: every write from now on fails
    errors = command.stderr.read().decode()
    assert command.wait(timeout=120) == 141  # 128 + SIGPIPE, as a shell reports it
    assert errors == ""


@pytest.fixture
def busy_script(tmp_path: Path) -> Path:
    script = tmp_path / "busy" / "score.py"
    script.parent.mkdir()
    script.write_text(BUSY_SCRIPT)
    return script


def interrupt_while_run_is_busy(script: Path, marker: Path, *options: str) -> tuple[int, str, set[int]]:
    """Start `replay`, send it SIGINT (twice: the second must not cut the cleanup short) while
    run() is busy; return its exit status, its stderr and the ports what it started listened on."""
    env = {**os.environ, "SCORE_CONTRACT_TEST_MARKER": str(marker)}
    command = subprocess.Popen(
        cli_command("replay", str(script), "--body", "{}", "--timeout", "600", *options),
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert command.poll() is None, "replay ended before run() was called"
            assert time.monotonic() < deadline, "run() was never called"
            time.sleep(0.05)
        started = psutil.Process(command.pid).children(recursive=True)
        assert started
        ports = set()
        for process in started:
            ports |= {c.laddr.port for c in process.net_connections("tcp") if c.status == psutil.CONN_LISTEN}
        command.send_signal(signal.SIGINT)
        time.sleep(0.1)
        if command.poll() is None:
            command.send_signal(signal.SIGINT)
        _, errors = command.communicate(timeout=60)
        gone, alive = psutil.wait_procs(started, timeout=GONE_WITHIN)
        assert alive == [], [(p.pid, p.cmdline()[:3]) for p in alive]
        return command.returncode, errors.decode(), ports
    finally:
        if command.poll() is None:
            command.kill()


def test_ctrl_c_in_replay_exits_130_quietly_and_stops_the_worker(busy_script: Path, tmp_path: Path) -> None:
    status, errors, _ = interrupt_while_run_is_busy(busy_script, tmp_path / "busy.marker")
    assert status == 130  # 128 + SIGINT
    assert errors == "score-contract: interrupted\n"


def test_ctrl_c_in_replay_through_the_server_exits_130_quietly_and_stops_the_server(
    busy_script: Path, tmp_path: Path
) -> None:
    status, errors, ports = interrupt_while_run_is_busy(busy_script, tmp_path / "busy.marker", "--server")
    assert status == 130
    assert errors == "score-contract: interrupted\n"
    assert ports  # the server listened ...
    listening = {c.laddr.port for c in psutil.net_connections("tcp") if c.status == psutil.CONN_LISTEN}
    assert not ports & listening  # ... and listens no more
