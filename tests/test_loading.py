"""A script is loaded exactly as the official server loads it: the same module
name, sys.path order, working folder, env vars and module aliases, seen from
inside the script under score-contract and under `cd APP && azmlinfsrv`."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from score_contract.core.observations import Body, Call, ImportResult, InitResult
from score_contract.isolation.sandbox import Sandbox
from score_contract.official.server import OfficialServer
from tests.conftest import SCRIPTS

PROBE = SCRIPTS / "environment_probe"
MODEL = SCRIPTS / "init_needs_model_dir" / "model"


def through_engine(script: Path, model_dir: Path | None) -> object:
    sandbox = Sandbox(script, script.parent, model_dir)
    try:
        assert isinstance(sandbox.ask("load", str(script), str(script.parent), 30, timeout=30), ImportResult)
        assert isinstance(sandbox.ask("init", 30, timeout=30), InitResult)
        call = sandbox.ask("call", Body.from_json({}), 30, timeout=30)
        assert isinstance(call, Call) and call.response is not None
        return json.loads(call.response.body)
    finally:
        sandbox.close()


def test_the_script_sees_what_it_sees_under_the_official_server() -> None:
    ours = through_engine(PROBE / "score.py", MODEL)
    server = OfficialServer(PROBE / "score.py", PROBE, MODEL)
    try:
        assert server.wait_ready(60).ready
        theirs = requests.post(server.url + "/score", json={}, timeout=30).json()
    finally:
        server.stop()
    for report in theirs:
        # The one difference by design: the server's real port.
        report["env"].pop("SERVER_PORT", None)
    assert ours == theirs
    at_import = ours[0]
    assert at_import["name"] == "entry_module"
    assert at_import["in_sys_modules"] is False
    assert at_import["path"] == ["server/", "cwd", "cwd"]
    assert at_import["utils_is_the_servers"] is True
    assert at_import["helpers"] == "mine"
    assert at_import["env"]["AZUREML_MODEL_DIR"] == str(MODEL)


def test_without_a_model_dir_the_script_sees_no_azureml_model_dir() -> None:
    ours = through_engine(PROBE / "score.py", None)
    assert isinstance(ours, list)
    assert ours[0]["env"]["AZUREML_MODEL_DIR"] is None
