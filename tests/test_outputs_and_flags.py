"""Files the run writes are checked before it starts, and `score-contract check` takes every option the pytest front
end does (failure texts and hints name them as `check` spells them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from score_contract.config import options
from tests.conftest import SCRIPTS

READ_ONLY = Path("/proc/version")  # a file no one, root included, can open for writing


def test_check_takes_every_option_of_the_pytest_front_end() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "score_contract_cli", "check", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    for option in options.OPTIONS:
        if option is options.SCORE:
            continue  # the positional SCRIPT arguments
        assert options.spelled(option.flag, "cli") in done.stdout, option.flag
    # Help texts name the flags as this command takes them.
    assert "--score-" not in done.stdout


def test_check_accepts_the_budget_flags_its_failures_name(tmp_path: Path) -> None:
    shutil.copytree(SCRIPTS / "good", tmp_path / "good")
    done = subprocess.run(
        [sys.executable, "-m", "score_contract_cli", "check", "good/score.py", "--latency-p99", "0.0001",
         "--max-memory", "4000", "--examples", "5"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    assert "over the 0.0001 ms budget (--latency-p99 0.0001)" in done.stdout


@pytest.mark.parametrize(
    ("flag", "what"),
    [
        ("--score-report", "report"),
        ("--score-summary", "summary"),
        ("--score-cov-report=xml:", "coverage XML report"),
    ],
)
def test_an_output_that_cannot_be_written_stops_the_run_before_it_starts(
    pytester: pytest.Pytester, flag: str, what: str
) -> None:
    shutil.copytree(SCRIPTS / "good", pytester.path / "good")
    target = str(READ_ONLY)
    args = [flag + target] if flag.endswith(":") else [flag, target]
    result = pytester.runpytest("--score", "good/score.py", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    text = result.stdout.str() + result.stderr.str()
    assert "cannot be written there" in text and what in text
    assert "Traceback" not in text and "collected" not in text


def test_an_unwritable_github_step_summary_stops_the_run_before_it_starts(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SCRIPTS / "good", pytester.path / "good")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(READ_ONLY))
    result = pytester.runpytest("--score", "good/score.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*$GITHUB_STEP_SUMMARY: the Markdown summary cannot be written there*"])
    # A writable one is left as it was found: appended to, never created by the check alone.
    step = pytester.path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    ok = pytester.runpytest("--score", "good/score.py", "--score-examples", "5")
    assert ok.ret == 0
    assert "good/score.py" in step.read_text()


def test_a_missing_report_folder_is_named(pytester: pytest.Pytester) -> None:
    shutil.copytree(SCRIPTS / "good", pytester.path / "good")
    result = pytester.runpytest("--score", "good/score.py", "--score-report", "nowhere/report.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*nowhere/report.json: the folder {pytester.path}{os.sep}nowhere does not exist*"])
