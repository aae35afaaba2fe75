"""The score-contract command: `check` is the pytest gate without a pytest
command line; `replay` shows what the server would answer to one request."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from score_contract_cli import build_parser

from score_contract.config.settings import Settings
from score_contract.core.observations import Body
from score_contract.judging.checks import CHECKS
from score_contract.online.report import reproduce_command
from score_contract.planning.script import Script
from tests.conftest import REPO


def cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "score_contract_cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_check_passes_a_correct_script() -> None:
    done = cli("check", "tests/scripts/good/score.py", "--", "-q", "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(CHECKS)} passed" in done.stdout


def test_check_fails_a_broken_script_with_pytests_exit_code_and_a_junit_file(tmp_path: Path) -> None:
    junit = tmp_path / "report.xml"
    done = cli(
        "check",
        "tests/scripts/nan_output/score.py",
        "tests/scripts/good/score.py",
        "--timeout",
        "3",
        "--",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
    )
    assert done.returncode == 1
    assert "FAILED tests/scripts/nan_output/score.py::output_is_strict_json" in done.stdout
    assert junit.exists()


def test_check_ignores_the_scripts_of_the_projects_ini_file(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\nscore_paths = missing/score.py\n")
    script = REPO / "tests" / "scripts" / "good" / "score.py"
    done = cli("check", str(script), "--", "-p", "no:cacheprovider", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_names_its_own_flags_in_advice_and_in_the_seed_hint(tmp_path: Path) -> None:
    script = tmp_path / "plain" / "score.py"
    script.parent.mkdir()
    script.write_text("def init():\n    pass\n\n\ndef run(data):\n    return data\n")
    done = cli("check", str(script), "--seed", "7", "--", "-p", "no:cacheprovider")
    assert done.returncode == 1
    assert "run() was never called with a valid request body" in done.stdout
    assert "(or give --samples PATH)" in done.stdout and "or --schema FILE" in done.stdout
    assert "--score-" not in done.stdout
    assert "Hypothesis seed 7 (repeat with --seed 7)" in done.stdout


def test_check_reports_bad_input_as_a_usage_error() -> None:
    done = cli("check", "tests/scripts/good/score.py", "--model-dir", "nowhere")
    assert done.returncode == 4
    assert "nowhere: the model folder does not exist." in done.stderr
    assert "Traceback" not in done.stderr


def test_replay_prints_what_the_server_would_answer() -> None:
    done = cli("replay", "tests/scripts/good/score.py", "--body", '{"data": [[1, 2]]}')
    assert done.returncode == 0, done.stdout
    assert "HTTP 200" in done.stdout
    assert "Content-Type: application/json" in done.stdout
    assert '{"predictions": [6.0]}' in done.stdout


def test_replay_shows_the_scripts_traceback_and_exits_1() -> None:
    done = cli("replay", "tests/scripts/run_fails_on_empty_batch/score.py", "--body", '{"data": []}')
    assert done.returncode == 1
    assert "HTTP 500" in done.stdout
    assert "x-ms-run-function-failed: True" in done.stdout
    assert "score.py:11 in run" in done.stdout
    assert "ZeroDivisionError: division by zero" in done.stdout
    assert "score_contract" not in done.stdout


def test_replay_names_the_broken_contract_even_when_the_status_is_200() -> None:
    done = cli("replay", "tests/scripts/nan_output/score.py", "--body", '{"data": []}')
    assert done.returncode == 1
    assert "HTTP 200" in done.stdout
    assert "the response body is not strict JSON: NaN at $.mean" in done.stdout


def test_replay_reads_the_body_from_a_file_byte_for_byte(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(b'{"data": [[1, 2], [3, 4]]}')
    done = cli("replay", "tests/scripts/good/score.py", "--body-file", str(body))
    assert done.returncode == 0
    assert '{"predictions": [6.0, 14.0]}' in done.stdout


def test_replay_shows_an_image_answer_as_what_it_is_not_as_raw_bytes() -> None:
    script = "tests/realworld/rawhttp_image_to_image/score.py"
    done = cli("replay", script, "--body-file", "tests/realworld/rawhttp_image_to_image/samples/cat.png")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HTTP 200\nContent-Type: image/png" in done.stdout
    assert re.search(r"^\(\d+ bytes of image/png: 89 50 4e 47 0d 0a 1a 0a …\)$", done.stdout, re.MULTILINE), done.stdout
    assert "PNG" not in done.stdout and "\ufffd" not in done.stdout


def test_replay_warns_of_a_model_pickled_with_another_scikit_learn() -> None:
    sklearn = pytest.importorskip("sklearn")
    if sklearn.__version__ == "1.3.2":
        pytest.skip("the model was saved with this very version")
    folder = "tests/realworld/sklearn_version_skew"
    done = cli("replay", f"{folder}/score.py", "--model-dir", folder, "--body", '{"data": [[1,2,3,4,5,6,7,8,9,10]]}')
    assert done.returncode == 0, done.stdout + done.stderr  # a warning, not a failure
    assert (
        f"warning: the model was saved with scikit-learn 1.3.2 and is loaded with scikit-learn {sklearn.__version__}"
        in done.stdout
    )


def test_replay_without_a_body_checks_import_and_init_only() -> None:
    done = cli("replay", "tests/scripts/init_raises/score.py")
    assert done.returncode == 1
    assert "init() raised FileNotFoundError" in done.stdout
    assert "score.py:7 in init" in done.stdout


def test_replay_shows_what_the_script_printed() -> None:
    done = cli("replay", "tests/scripts/run_exits/score.py", "--body", '{"bye": true}')
    assert done.returncode == 1
    assert "run() ended the worker process: it exited with code 1" in done.stdout
    assert "leaving now" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["replay", "nope.py"], "score-contract: error: nope.py: no such scoring script."),
        (
            ["replay", "tests/scripts/good/score.py", "--body-file", "nope.json"],
            "score-contract: error: nope.json: no such body file.",
        ),
        (
            ["replay", "tests/scripts/good/score.py", "--timeout", "-1"],
            "score-contract: error: --timeout -1: must be a positive number of seconds.",
        ),
    ],
    ids=["missing-script", "missing-body-file", "negative-timeout"],
)
def test_replay_reports_bad_input_in_one_sentence(args: list[str], message: str) -> None:
    done = cli(*args)
    assert done.returncode == 4
    assert done.stderr.strip() == message


def test_version_names_score_contract_the_server_and_inference_schema() -> None:
    from importlib.metadata import version

    done = cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"score-contract {version('score-contract')}: azureml-inference-server-http"
        f" {version('azureml-inference-server-http')}, inference-schema {version('inference-schema')}\n"
    )


def test_replay_hints_name_the_flags_the_command_takes() -> None:
    done = cli("replay", "tests/scripts/init_needs_model_dir/score.py")
    assert done.returncode == 1
    assert "Give the folder with --model-dir DIR." in done.stdout
    assert "--score-" not in done.stdout


def test_every_option_a_reproduce_line_can_hold_is_one_replay_takes(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "cat.png").write_bytes(b"\x89PNG")
    settings = Settings(
        model_dir=tmp_path / "model", app_root=tmp_path, timeout=2, init_timeout=30, server=True, server_workers=3
    )
    script = Script(tmp_path / "score.py", tmp_path, (), "", "score.py")
    for body in (Body(b'{"a": 1}', "--body"), Body(b"\x89PNG", "cat.png", "image/png")):
        words = shlex.split(reproduce_command(script, settings, tmp_path, body, server=True))
        assert words[:2] == ["score-contract", "replay"]
        build_parser().parse_args(words[1:])  # argparse exits on a flag it does not take


def test_a_late_run_is_headlined_with_the_timeout_and_the_time_it_took(tmp_path: Path) -> None:
    script = tmp_path / "swallows" / "score.py"
    script.parent.mkdir()
    script.write_text(
        "import time\n\n\ndef init():\n    pass\n\n\ndef run(raw):\n    try:\n        time.sleep(0.5)\n"
        "    except Exception as e:\n        return {'error': str(e)}\n    return {'ok': True}\n"
    )
    done = cli("replay", str(script), "--body", "{}", "--timeout", "0.01")
    assert done.returncode == 1
    assert re.search(
        r"^run\(\) did not return within the 0\.01 s timeout \(it returned after [0-9.]+ s\)$", done.stdout, re.M
    )


@pytest.mark.parametrize("count", ["-1", "0"])
@pytest.mark.parametrize("command", ["check", "replay"])
def test_a_worker_count_below_one_breaks_one_rule_with_one_message(command: str, count: str) -> None:
    done = cli(command, "tests/scripts/good/score.py", "--server-workers", count)
    assert done.returncode == 4
    assert done.stderr.strip().endswith(f"--server-workers {count}: the server needs at least 1 worker.")
