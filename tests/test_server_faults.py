"""Faults around the official server (--score-server), done for real: sessions killed
with real signals at each moment of a server's life, several workers, a worker that
fails its init() while another serves, a server that never becomes ready.

Nothing may outlive a killed session: every process it started is gone and no port
it listened on is still open, within seconds, not gunicorn's 30 s graceful timeout.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from tests.conftest import REPO, run_contract_session
from tests.test_contract_matrix import failure_section
from tests.test_server import our_servers

#: A killed session's processes are gone within this (gunicorn's own graceful stop takes 30 s).
GONE_WITHIN = 5.0


def session_command(script: str, *options: str) -> list[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--score", script, "--score-server"]
    return [*command, *options]


def wait_until(condition: Callable[[], bool], session: subprocess.Popen[bytes], what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert session.poll() is None, f"the session ended before {what}"
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.05)


def listening_ports(processes: list[psutil.Process]) -> set[int]:
    ports = set()
    for process in processes:
        try:
            ports |= {c.laddr.port for c in process.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}
        except psutil.NoSuchProcess:
            pass
    return ports


def mine(since: float, markers: Path) -> list[psutil.Process]:
    """The servers this test's session started (it gave them its markers folder), not another test's."""
    return our_servers(since, str(markers), variable="SCORE_CONTRACT_TEST_MARKERS")


def server_port(since: float, markers: Path) -> int:
    cmdline = mine(since, markers)[0].cmdline()
    return int(cmdline[cmdline.index("--port") + 1])


def port_is_free(port: int) -> bool:
    return not any(c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in psutil.net_connections("tcp"))


def kill_and_check_nothing_is_left(
    session: subprocess.Popen[bytes], sig: signal.Signals, since: float, markers: Path
) -> None:
    """Send ``sig`` to the session; all it started must be gone within GONE_WITHIN seconds."""
    port = server_port(since, markers)
    started = psutil.Process(session.pid).children(recursive=True)
    assert started
    session.send_signal(sig)
    session.wait(timeout=30)
    gone, alive = psutil.wait_procs(started, timeout=GONE_WITHIN)
    assert alive == [], [(p.pid, p.cmdline()[:4]) for p in alive]
    assert mine(since, markers) == []
    assert port_is_free(port)


def markers_in(folder: Path, prefix: str) -> Callable[[], bool]:
    return lambda: any(name.startswith(prefix) for name in os.listdir(folder))


@pytest.fixture
def markers(tmp_path: Path) -> Path:
    folder = tmp_path / "markers"
    folder.mkdir()
    return folder


def _as_from_a_terminal() -> None:
    # A signal the test run's own parent ignored (nohup ignores SIGHUP, a background job SIGINT) stays ignored
    # through exec: the session is given the dispositions a terminal's would have.
    for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def start(command: list[str], markers: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SCORE_CONTRACT_TEST_MARKERS": str(markers)}
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_as_from_a_terminal,
    )


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_session_killed_while_the_servers_worker_is_in_init_leaves_nothing(
    sig: signal.Signals, markers: Path
) -> None:
    since = time.time()
    session = start(
        session_command("tests/server/slow_init_in_server/score.py", "--score-init-timeout", "120"), markers
    )
    try:
        wait_until(markers_in(markers, "init-"), session, "the server's worker in init()")
        kill_and_check_nothing_is_left(session, sig, since, markers)
    finally:
        if session.poll() is None:
            session.kill()


def test_a_session_killed_while_the_server_boots_leaves_nothing(markers: Path) -> None:
    since = time.time()
    session = start(
        session_command("tests/server/slow_init_in_server/score.py", "--score-init-timeout", "120"), markers
    )
    try:
        wait_until(lambda: bool(mine(since, markers)), session, "the server's master")
        kill_and_check_nothing_is_left(session, signal.SIGTERM, since, markers)
    finally:
        if session.poll() is None:
            session.kill()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGKILL], ids=lambda s: s.name)
def test_a_session_killed_while_the_server_serves_leaves_nothing(sig: signal.Signals, markers: Path) -> None:
    since = time.time()
    # A contract and a long search: the server is up and serving meanwhile.
    session = start(session_command("tests/fuzz/good_batch/score.py", "--score-examples", "100000"), markers)
    try:
        wait_until(lambda: bool(mine(since, markers)), session, "the server")
        time.sleep(2)
        kill_and_check_nothing_is_left(session, sig, since, markers)
    finally:
        if session.poll() is None:
            session.kill()


def test_a_session_killed_while_the_server_stops_leaves_nothing(markers: Path) -> None:
    since = time.time()
    session = start(session_command("tests/server/slow_to_stop/score.py"), markers)
    try:
        wait_until(markers_in(markers, "stopping-"), session, "the server stopping")
        kill_and_check_nothing_is_left(session, signal.SIGKILL, since, markers)
    finally:
        if session.poll() is None:
            session.kill()


def test_every_worker_must_boot_and_a_healthy_script_passes_with_three(tmp_path: Path) -> None:
    scripts = ["tests/scripts/good/score.py", "tests/server/second_worker_fails/score.py"]
    args = [arg for script in scripts for arg in ("--score", script)]
    result = run_contract_session([*args, "--score-server", "--score-server-workers", "3"], tmp_path / "junit.xml")
    good = {name: outcome for (s, name), (outcome, _) in result.outcomes.items() if s == "good"}
    assert set(good.values()) == {"passed"}, result.output[-3000:]
    assert "the official server too, 3 worker(s), on 127.0.0.1" in result.output
    outcome, message = result.outcomes[("second_worker_fails", "server_becomes_ready")]
    assert outcome == "failure"
    # gunicorn's master logs its reason ("Worker failed to boot") only on some runs: when the other workers are
    # still booting as it halts, it exits with code 1 without that line (seen under load: the flaky run of issue 22).
    # What the message must say either way is which worker died, how, and that the others had booted.
    assert re.match(
        r"the official server did not become ready: the server exited with code \d+: (1|2) of 3 workers had booted;"
        r" worker \d+ exited with code 3 while booting( \(gunicorn: Worker failed to boot\))?$",
        message,
    ), message
    section = failure_section(result.output, "tests/server/second_worker_fails/score.py::server_becomes_ready")
    assert "BlockingIOError" in section
    assert "reproduce: score-contract replay tests/server/second_worker_fails/score.py --server --server-workers 3" in (
        section
    )


def test_a_server_whose_init_never_returns_is_given_up_without_waiting_on_it(tmp_path: Path) -> None:
    """A worker inside init() does not heed SIGTERM: after the init timeout the server
    is killed at once, not after a grace period meant for requests in flight."""
    init_timeout = 4
    result = run_contract_session(
        ["--score", "tests/scripts/init_hangs/score.py", "--score-server", "--score-init-timeout", str(init_timeout)],
        tmp_path / "junit.xml",
    )
    assert result.outcomes[("init_hangs", "server_becomes_ready")][0] == "failure"
    # The in-process init() and the server's boot run side by side, each given up after the
    # init timeout; what is left is the session's own start-up and stop.
    assert result.seconds < 2 * init_timeout + 6, result.seconds
