"""A script's own settings: score-contract.toml beside it (issue 8, part 4). One pytest in a monorepo's root
gates every script with its own model folder, samples, schema, limits; the command line still wins."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from score_contract.config.settings import resolve
from score_contract.config.settings_file import FILE_NAME
from score_contract.errors import UsageError
from score_contract.session import ContractSession

REPO = Path(__file__).resolve().parent.parent


def _outcome(result: pytest.RunResult, node: str) -> str:
    for report in result.reprec.getreports("pytest_runtest_logreport"):  # type: ignore[attr-defined]
        if report.nodeid == node and report.when == "call":
            return str(report.outcome)
    raise AssertionError(f"{node} did not run")


def test_each_script_of_one_run_gets_the_model_folder_its_own_file_names(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    needs = copy_script("init_needs_model_dir")
    (needs.parent / FILE_NAME).write_text('model_dir = "model"\ntimeout = 3\n')
    copy_script("good")
    result = pytester.runpytest("--score", "init_needs_model_dir/score.py", "--score", "good/score.py")
    assert result.ret == pytest.ExitCode.OK
    assert _outcome(result, "init_needs_model_dir/score.py::init_succeeds") == "passed"


def test_the_command_line_wins_over_the_scripts_file(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    needs = copy_script("init_needs_model_dir")
    (needs.parent / "empty").mkdir()
    (needs.parent / FILE_NAME).write_text('model_dir = "empty"\n')
    args = ("--score", "init_needs_model_dir/score.py", "--score-examples", "5")
    assert _outcome(pytester.runpytest(*args), "init_needs_model_dir/score.py::init_succeeds") == "failed"
    result = pytester.runpytest(*args, "--score-model-dir", "init_needs_model_dir/model")
    assert _outcome(result, "init_needs_model_dir/score.py::init_succeeds") == "passed"


def test_the_scripts_file_wins_over_the_ini_file(pytester: pytest.Pytester, copy_script: Callable[..., Path]) -> None:
    needs = copy_script("init_needs_model_dir")
    (pytester.path / "empty").mkdir()
    pytester.makeini("[pytest]\nscore_model_dir = empty\nscore_paths = init_needs_model_dir/score.py\n")
    (needs.parent / FILE_NAME).write_text('model_dir = "model"\n')
    result = pytester.runpytest("--score-examples", "5")
    assert _outcome(result, "init_needs_model_dir/score.py::init_succeeds") == "passed"


def test_a_failures_reproduce_line_carries_the_scripts_own_settings(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    # replay reads no settings file: the line must say what the file said.
    broken = copy_script("nan_output")
    (broken.parent / FILE_NAME).write_text("timeout = 3\ninit_timeout = 30\n")
    result = pytester.runpytest("--score", "nan_output/score.py", "--score-examples", "5")
    result.stdout.fnmatch_lines(
        ["*reproduce: score-contract replay nan_output/score.py --timeout 3 --init-timeout 30 *"]
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('modeldir = "m"', "modeldir in x/score-contract.toml: not a setting of a script; these are: model_dir,"),
        ('score_timeout = "2"', "score_timeout in x/score-contract.toml: write it without the prefix, timeout."),
        ("server = true", "server in x/score-contract.toml: a setting of the whole run, not of one script"),
        ('report = "r.json"', "report in x/score-contract.toml: a setting of the whole run"),
        ('timeout = "abc"', "timeout = abc in x/score-contract.toml: not a number of seconds."),
        ("examples = -1", "examples = -1 in x/score-contract.toml: must be 0 or more."),
        ("examples = true", "examples = True in x/score-contract.toml: write a number."),
        ('model_dir = "nowhere"', "model_dir = nowhere in x/score-contract.toml: the model folder does not exist."),
        ("timeout = ", "x/score-contract.toml: not valid TOML: "),
    ],
)
def test_a_bad_settings_file_is_a_usage_error_naming_the_file_and_the_key(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], text: str, message: str
) -> None:
    script = copy_script("good", "x")
    (script.parent / FILE_NAME).write_text(text + "\n")
    result = pytester.runpytest("--score", "x/score.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: {message}" in result.stderr.str()
    assert "Traceback" not in result.stderr.str()


def test_paths_in_the_file_are_relative_to_it_and_lists_of_volatile_keys_are_taken(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(REPO / "tests/scripts/init_needs_model_dir", app)
    (app / FILE_NAME).write_text('model_dir = "model"\nvolatile_keys = ["$.meta.id", "items[0].rank"]\nexamples = 7\n')
    session = ContractSession(resolve(scripts=["app/score.py"], base=tmp_path), tmp_path)
    own = session.own[(app / "score.py").resolve()]
    assert own.model_dir == app / "model"
    assert own.examples == 7 and len(own.volatile_keys) == 2
    assert session.settings.model_dir is None  # the run's own settings are untouched


def test_beside_a_deployment_spec_the_file_wins_over_the_spec_and_the_command_line_over_both(tmp_path: Path) -> None:
    deployment = tmp_path / "deployment"
    shutil.copytree(REPO / "examples/deployment", deployment)
    (deployment / FILE_NAME).write_text("timeout = 1.5\n")
    spec = (deployment / "deployment.yml").resolve()

    def timeout(**given: object) -> float:
        cli = ["score_timeout"] if given else []
        settings = resolve(scripts=["deployment/deployment.yml"], base=tmp_path, command_line=cli, **given)  # type: ignore[arg-type]
        session = ContractSession(settings, tmp_path)
        return session.scripts[spec].settings_for(session.own[spec]).timeout

    (deployment / FILE_NAME).rename(deployment / "aside.toml")
    assert timeout() == 3.0  # the spec's request_timeout_ms
    (deployment / "aside.toml").rename(deployment / FILE_NAME)
    assert timeout() == 1.5
    assert timeout(timeout="4") == 4.0


def test_a_usage_error_names_the_file_as_the_user_would_find_it(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(REPO / "tests/scripts/good", app)
    (app / FILE_NAME).write_text("kind = 'sideways'\n")
    with pytest.raises(UsageError, match=r"^kind = sideways in app/score-contract.toml: must be one of auto"):
        ContractSession(resolve(scripts=["app/score.py"], base=tmp_path), tmp_path)
