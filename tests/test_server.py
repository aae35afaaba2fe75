"""--score-server: the official server boots each script on 127.0.0.1, answers as
the in-process run did, survives invalid bodies, serves its swagger, and leaves
nothing behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from score_contract.judging.checks import CHECKS
from score_contract.official.server import HOST, OfficialServer
from score_contract.official.server_checks import SERVER_CHECKS
from tests.conftest import REPO, SCRIPTS, Outcomes, run_contract_session
from tests.shared import Once
from tests.test_contract_matrix import failure_section

SERVER = REPO / "tests" / "server"
ALL = [c.name for c in (*CHECKS, *SERVER_CHECKS)]


#: Set on the processes a test starts (and inherited by the servers they start), so that a test counts only its own
#: servers: under pytest -n, the other worker's tests start servers of their own at the same time.
TAG = "SCORE_CONTRACT_TEST_TAG"


def tagged() -> str:
    """A tag no other test uses."""
    return uuid.uuid4().hex


def our_servers(since: float = 0.0, tag: str | None = None, variable: str = TAG) -> list[psutil.Process]:
    """Processes started from score_contract.official.server's launcher (after ``since``, a time.time()), and
    with ``tag`` in their ``variable`` when one is given."""
    found = []
    for process in psutil.process_iter(["cmdline", "create_time"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        # create_time is rounded to clock ticks: allow a little slack.
        if (
            "azureml_inference_server_http.amlserver as server" in cmdline
            and process.info["create_time"] >= since - 0.5
            and (tag is None or _environ(process).get(variable) == tag)
        ):
            found.append(process)
    return found


def _environ(process: psutil.Process) -> dict[str, str]:
    try:
        return process.environ()
    except (psutil.Error, OSError):
        return {}  # gone, or a zombie


@dataclass
class Served(Outcomes):
    started: float = 0.0
    tag: str = ""


@pytest.fixture(scope="module")
def served(once: Once[Served]) -> Served:
    scripts = [
        "examples/sklearn-diabetes/score.py",
        "examples/numpy-schema/score.py",
        "examples/pandas-schema/score.py",
        "examples/rawhttp-echo/score.py",
        "tests/scripts/init_raises/score.py",
        "tests/scripts/init_segfaults/score.py",
        "tests/server/port_in_answer/score.py",
        "tests/server/invalid_kills_worker/score.py",
        "examples/broken-numpy-output/score.py",
        "tests/server/own_swagger/score.py",
    ]
    args = [arg for script in scripts for arg in ("--score", script)]
    args += ["--score-server", "--score-model-dir", "examples/sklearn-diabetes/model"]
    args += [
        "--score-init-timeout",
        "20",
        "--score-timeout",
        "2",
        "-W",
        "error::pytest.PytestUnraisableExceptionWarning",
    ]

    def make(folder: Path) -> Served:
        started, tag = time.time(), tagged()
        result = run_contract_session(args, folder / "junit.xml", env={TAG: tag})
        return Served(result.outcomes, result.output, result.returncode, result.seconds, started, tag)

    return once("served", make)


def outcomes_of(served: Outcomes, script: str) -> dict[str, str]:
    return {name: outcome for (s, name), (outcome, _) in served.outcomes.items() if s == script}


@pytest.mark.parametrize("example", ["sklearn-diabetes", "numpy-schema", "pandas-schema", "rawhttp-echo"])
def test_every_correct_example_passes_through_the_official_server_too(served: Outcomes, example: str) -> None:
    assert outcomes_of(served, example) == {name: "passed" for name in ALL}, served.output[-3000:]


def test_a_failing_init_fails_the_boot_with_the_servers_own_traceback(served: Outcomes) -> None:
    assert served.outcomes[("init_raises", "server_becomes_ready")][0] == "failure"
    section = failure_section(served.output, "tests/scripts/init_raises/score.py::server_becomes_ready")
    assert section.startswith("the official server did not become ready: the server exited with code 3")
    assert 'File "' in section and 'init_raises/score.py", line 7, in init' in section
    assert "FileNotFoundError: [Errno 2] No such file or directory: '/Users/alice/models/model.pkl'" in section
    assert "Reason: Worker failed to boot." in section
    assert "site-packages" not in section
    assert "reproduce: score-contract replay tests/scripts/init_raises/score.py --server" in section


def test_a_worker_that_dies_at_boot_is_a_respawn_loop_not_a_hang(served: Outcomes) -> None:
    outcome, message = served.outcomes[("init_segfaults", "server_becomes_ready")]
    assert outcome == "failure"
    assert message.startswith("the official server did not become ready: a respawn loop: gunicorn replaced")
    section = failure_section(served.output, "tests/scripts/init_segfaults/score.py::server_becomes_ready")
    assert "was sent SIGSEGV!" in section
    assert 'init_segfaults/score.py", line 5 in init' in section
    # The other server checks point at the boot.
    assert served.outcomes[("init_segfaults", "server_answers_like_the_engine")][0] == "skipped"


def test_a_difference_between_engine_and_server_shows_both_answers(served: Outcomes) -> None:
    assert outcomes_of(served, "port_in_answer")["server_answers_like_the_engine"] == "failure"
    section = failure_section(served.output, "tests/server/port_in_answer/score.py::server_answers_like_the_engine")
    assert section.startswith('the official server answered differently from the in-process run: $.port: "5001" → "')
    assert 'in-process: HTTP 200 {"rows": 1, "port": "5001"}' in section


def test_an_invalid_body_that_kills_a_worker_shows_the_respawn(served: Outcomes) -> None:
    outcomes = outcomes_of(served, "invalid_kills_worker")
    assert outcomes["server_survives_invalid_input"] == "failure"
    assert outcomes["run_handles_invalid_input"] == "failure"  # seen in-process too
    section = failure_section(
        served.output, "tests/server/invalid_kills_worker/score.py::server_survives_invalid_input"
    )
    assert "exited with code 1" in section or "Booting worker" in section


def test_an_in_process_failure_shows_what_the_real_server_answered(served: Outcomes) -> None:
    section = failure_section(served.output, "examples/broken-numpy-output/score.py::output_is_json_encodable")
    assert (
        "the official server answered the same body: HTTP 500"
        ' {"message": "An unexpected internal error occurred. Check the logs for more info."}'
    ) in section
    # The server agrees with the engine on that body: parity holds.
    assert outcomes_of(served, "broken-numpy-output")["server_answers_like_the_engine"] == "passed"


def test_a_swagger_file_of_the_authors_own_is_held_against_the_contract(served: Outcomes) -> None:
    # A warning, and only where the author can act: the swagger inference-schema
    # generates for the examples is as loose as ever, and says nothing.
    assert (
        "own_swagger/score.py:12: ScoreContractWarning: your swagger3.json does not match what the server accepts"
        in (served.output)
    )
    assert 'swagger3.json: its example {"rows": [[41, 52000.0]]} is not a valid body' in served.output
    assert "swagger3.json: it allows bodies the server refuses: missing required key 'data'" in served.output
    assert served.output.count("does not match what the server accepts") == 1


def test_no_server_outlives_the_session(served: Served) -> None:
    assert our_servers(since=served.started, tag=served.tag) == []


def test_the_server_listens_on_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    script = SCRIPTS / "good" / "score.py"
    started, tag = time.time(), tagged()
    monkeypatch.setenv(TAG, tag)
    server = OfficialServer(script, script.parent, None)
    try:
        assert server.wait_ready(30).ready
        master = psutil.Process(server.pid)
        group = [master, *master.children(recursive=True)]
        listening = {
            (c.laddr.ip, c.laddr.port)
            for p in group
            for c in p.net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN
        }
        assert listening == {(HOST, server.port)}
    finally:
        server.stop()
    assert our_servers(started, tag) == []
    with socket.socket() as probe:
        assert probe.connect_ex((HOST, server.port)) != 0


def test_a_busy_port_is_a_boot_failure_not_a_hang() -> None:
    script = SCRIPTS / "good" / "score.py"
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        server = OfficialServer(script, script.parent, None, port=taken.getsockname()[1])
        try:
            boot = server.wait_ready(30)
        finally:
            server.stop()
    assert not boot.ready
    assert boot.problem == "the server exited with code 1"
    assert "in use" in boot.log or "Address already in use" in boot.log


def wait_for_a_server(session: subprocess.Popen[bytes], since: float, tag: str) -> None:
    deadline = time.monotonic() + 60
    while not our_servers(since, tag):
        assert time.monotonic() < deadline and session.poll() is None, "no server started"
        time.sleep(0.1)


def test_ctrl_c_during_the_server_phase_stops_the_server(tmp_path: Path) -> None:
    launcher = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.executable, sys.argv[1:])"
    )
    command = [sys.executable, "-c", launcher, sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    command += ["--score", "examples/sklearn-diabetes/score.py", "--score-model-dir", "examples/sklearn-diabetes/model"]
    command += ["--score-server", "--score-examples", "100000"]  # a long search: the server is up meanwhile
    started, tag = time.time(), tagged()
    session = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, TAG: tag}
    )
    try:
        wait_for_a_server(session, started, tag)
        time.sleep(1)
        session.send_signal(signal.SIGINT)
        session.communicate(timeout=60)
    finally:
        if session.poll() is None:
            session.kill()
    deadline = time.monotonic() + 15
    while our_servers(started, tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert our_servers(started, tag) == []


def test_without_the_server_package_the_option_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import score_contract.official.server

    monkeypatch.setattr(score_contract.official.server, "server_installed", lambda: False)
    pytester.makepyfile(score="def init():\n    pass\n\n\ndef run(data):\n    return data\n")
    result = pytester.runpytest("--score", "score.py", "--score-server")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --score-server boots the official server, which is not installed:"
            " pip install azureml-inference-server-http"
        ]
    )
