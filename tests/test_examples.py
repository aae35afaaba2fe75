"""The examples under examples/ behave as their READMEs promise.

Each example is checked the way a newcomer would check it, with the command its
README gives, in a pytest process of its own: a correct example passes every
check; a broken one fails exactly the check it is named after, and nothing else.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from score_contract.batch.checks import BATCH_CHECKS
from score_contract.judging.checks import CHECKS

REPO = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = REPO / "examples"
ALL_CHECKS = tuple(check.name for check in CHECKS)
#: Checks that need a working init(): skipped, not failed, when init() fails.
NEED_INIT = tuple(check.name for check in CHECKS if check.phase in ("call", "invalid", "repeat", "session"))
#: "PASSED examples/x/score.py::check" / "FAILED examples/x/score.py::check - headline" (pytest -rA).
SUMMARY_LINE = re.compile(r"^(PASSED|FAILED|ERROR) (\S+)", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    name: str
    #: The one check a broken example fails; None for a correct example.
    breaks: str | None = None
    #: Text the failure report must contain, so it fails for the intended reason.
    because: str = ""
    model_dir: str | None = None
    #: Further options its README gives.
    options: tuple[str, ...] = ()
    #: Checks skipped because of the one it breaks (besides those that need init()).
    skips: tuple[str, ...] = ()

    @property
    def checks(self) -> tuple[str, ...]:
        """A batch script's checks, or an online script's."""
        if self.name.startswith(("batch-", "broken-batch-")):
            return tuple(check.name for check in BATCH_CHECKS)
        return ALL_CHECKS

    @property
    def script(self) -> str:
        return f"examples/{self.name}/score.py"

    @property
    def command(self) -> list[str]:
        """The command its README gives, run from the repository root."""
        args = ["pytest", "--score", self.script]
        if self.model_dir:
            args += ["--score-model-dir", self.model_dir]
        return args + list(self.options)

    def node(self, check: str) -> str:
        return f"{self.script}::{check}"


CORRECT = (
    Example("sklearn-diabetes", model_dir="examples/sklearn-diabetes/model"),
    Example("numpy-schema"),
    Example("pandas-schema"),
    Example("rawhttp-echo"),
    Example("batch-files", model_dir="examples/batch-files/model"),
    Example("batch-tabular", options=("--score-batch-input", "tabular")),
    Example("team-tests"),
)
BROKEN = (
    Example("broken-numpy-output", "output_is_json_encodable", "Object of type ndarray is not JSON serializable"),
    Example("broken-nan-output", "output_is_strict_json", "NaN at $.averages[1]"),
    Example("broken-empty-batch", "run_accepts_valid_input", "zero-size array to reduction operation maximum"),
    Example("broken-init-twice", "init_runs_once", "called init()"),
    Example(
        "broken-model-path",
        "init_succeeds",
        "No such file or directory: '/Users/alice/models/model.joblib'",
        # The real model, so that the hard-coded path is the only thing wrong.
        model_dir="examples/sklearn-diabetes/model",
    ),
    Example("broken-batch-last-file-only", "run_accounts_for_every_input", "3 counted as failed"),
    Example(
        "broken-batch-generator",
        "run_returns_a_list_or_dataframe",
        "run() returned a generator",
        # No output came back, so there is nothing to run again.
        skips=("mini_batches_are_repeatable",),
    ),
    Example("broken-batch-writes-input", "run_writes_only_to_the_output_folder", "in the input folder"),
)


@dataclass(frozen=True)
class Checked:
    returncode: int
    output: str
    #: node id -> "PASSED" / "FAILED" / "ERROR", from pytest's -rA summary.
    outcomes: dict[str, str]

    def with_outcome(self, outcome: str) -> set[str]:
        return {node for node, seen in self.outcomes.items() if seen == outcome}


def check_example(example: Example) -> Checked:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", *example.command[1:]],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    outcomes = {node: outcome for outcome, node in SUMMARY_LINE.findall(done.stdout)}
    return Checked(done.returncode, output, outcomes)


def summary(output: str) -> str:
    """pytest's last line, e.g. '==== 1 failed, 9 passed in 0.76s ===='."""
    lines = [line for line in output.splitlines() if line.startswith("=")]
    return lines[-1] if lines else ""


@pytest.mark.parametrize("example", CORRECT, ids=[e.name for e in CORRECT])
def test_correct_example_passes_every_check(example: Example) -> None:
    checked = check_example(example)

    assert checked.returncode == 0, checked.output
    assert "failed" not in summary(checked.output), checked.output
    # Passed, not merely skipped: every sample body reached run().
    assert checked.with_outcome("PASSED") == {example.node(c) for c in example.checks}, checked.output
    # Neither an advisory finding nor a sample refused before run() saw it.
    assert "ScoreContractWarning" not in checked.output, checked.output


@pytest.mark.parametrize("example", BROKEN, ids=[e.name for e in BROKEN])
def test_broken_example_fails_only_the_check_it_is_named_after(example: Example) -> None:
    assert example.breaks is not None
    checked = check_example(example)

    assert checked.returncode == 1, checked.output
    assert checked.with_outcome("FAILED") == {example.node(example.breaks)}, checked.output
    assert not checked.with_outcome("ERROR"), checked.output
    assert example.because in checked.output, checked.output
    # Everything else passes, except the checks that cannot run without init().
    skipped = set(NEED_INIT) if example.breaks == "init_succeeds" else set(example.skips)
    expected_passed = {example.node(c) for c in example.checks if c != example.breaks and c not in skipped}
    assert checked.with_outcome("PASSED") == expected_passed, checked.output
    if skipped:
        assert f"{len(skipped)} skipped" in summary(checked.output), checked.output


def test_every_example_folder_is_checked_here() -> None:
    folders = {p.name for p in EXAMPLES_DIR.iterdir() if (p / "score.py").is_file()}
    assert folders == {e.name for e in CORRECT + BROKEN}


@pytest.mark.parametrize("example", CORRECT + BROKEN, ids=[e.name for e in CORRECT + BROKEN])
def test_readme_gives_the_command_checked_here(example: Example) -> None:
    readme = (EXAMPLES_DIR / example.name / "README.md").read_text(encoding="utf-8")
    assert " ".join(example.command) in readme


@pytest.mark.parametrize("example", BROKEN, ids=[e.name for e in BROKEN])
def test_broken_script_says_at_the_top_what_breaks(example: Example) -> None:
    first_line = (EXAMPLES_DIR / example.name / "score.py").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# BROKEN ON PURPOSE — check: {example.breaks}"


def test_committed_model_is_small() -> None:
    model = EXAMPLES_DIR / "sklearn-diabetes" / "model" / "model.joblib"
    assert model.stat().st_size < 200_000
