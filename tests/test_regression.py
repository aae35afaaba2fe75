"""The regression gate end to end: the versions under examples/regression/ against v1, with --score-baseline as a
path (their score-contract.toml), as a deployment spec (built in its own environment) and as git:REF (read from a
throwaway repository without touching its working tree), each in a pytest process of its own."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REGRESSION = REPO / "examples" / "regression"
#: "PASSED x/score.py::check" / "FAILED x/score.py::check - headline" (pytest -rA).
SUMMARY_LINE = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED) (?:\[\d+\] )?(\S+)", re.MULTILINE)
COMPARISON = {"answers_match_the_baseline", "contract_is_backward_compatible"}


@dataclass(frozen=True)
class Gated:
    returncode: int
    output: str
    #: node id -> PASSED / FAILED / ERROR / SKIPPED
    outcomes: dict[str, str]

    def checks(self, script: str, outcome: str) -> set[str]:
        return {
            node.split("::")[1]
            for node, seen in self.outcomes.items()
            if node.startswith(script + "::") and seen == outcome
        }


def gate(*args: str, cwd: Path = REPO) -> Gated:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "--hypothesis-seed=1", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    return Gated(done.returncode, output, {node: outcome for outcome, node in SUMMARY_LINE.findall(done.stdout)})


@pytest.fixture(scope="module")
def against_v1() -> Gated:
    """The four versions against v1 as a path, which each one's score-contract.toml names."""
    versions = ("refactor", "renamed-key", "threshold", "strict-input")
    return gate(*(arg for version in versions for arg in ("--score", f"examples/regression/{version}/score.py")))


def test_a_refactor_with_only_float_noise_passes_every_check(against_v1: Gated) -> None:
    script = "examples/regression/refactor/score.py"
    assert against_v1.checks(script, "FAILED") == set(), against_v1.output
    assert COMPARISON <= against_v1.checks(script, "PASSED")
    line = next(line for line in against_v1.output.splitlines() if line.startswith(f"{script} against"))
    # The noise was there, and the tolerance let it through.
    found = re.search(r"(\d+) identical, (\d+) within the tolerance, 0 different", line)
    assert found is not None and int(found.group(2)) > 0, line
    assert re.search(r"largest numeric difference: [0-9.]+e-1[5-7] ", line), line


def test_a_renamed_output_key_fails_both_checks(against_v1: Gated) -> None:
    script = "examples/regression/renamed-key/score.py"
    assert against_v1.checks(script, "FAILED") == COMPARISON, against_v1.output
    assert "the new answer lost the shape of the baseline's: $.probabilities removed" in against_v1.output
    assert (
        "differs at 2 places: $.probabilities: [] → (absent); $.churn_probabilities: (absent) → []" in against_v1.output
    )
    assert "--score-accept-changes '$.probabilities,$.churn_probabilities'" in against_v1.output


def test_a_moved_threshold_fails_answers_match_the_baseline_with_the_flip_count(against_v1: Gated) -> None:
    script = "examples/regression/threshold/score.py"
    assert against_v1.checks(script, "FAILED") == {"answers_match_the_baseline"}, against_v1.output
    failure = against_v1.output.split("answers_match_the_baseline (examples/regression/threshold/score.py)")[1]
    assert "the answer differs from the baseline's: $.predictions[0]: 1 → 0 (a label or class flipped)" in failure
    flips = re.search(
        r"(\d+) labels? or class(?:es)? flipped in (\d+) bod(?:y|ies): \$\.predictions \((\d+)\)", failure
    )
    assert flips is not None and int(flips.group(1)) >= 1, failure
    # The probabilities are v1's: only the classes moved.
    assert re.search(r"\d+ bodies compared \(both versions answered with 2xx\): \d+ identical, 0 within", failure)
    assert (
        "reproduce: score-contract replay --baseline examples/regression/v1/score.py examples/regression/threshold/score.py --model-dir examples/regression/model --body"
        in failure
    )


def test_tightened_input_validation_fails_contract_is_backward_compatible(against_v1: Gated) -> None:
    script = "examples/regression/strict-input/score.py"
    assert against_v1.checks(script, "FAILED") == {"contract_is_backward_compatible"}, against_v1.output
    assert "the new version refuses a body the baseline answered: HTTP 200 → HTTP 400" in against_v1.output
    # Found with the bodies of v1's own contract: the new one never generates more than 10 support calls.
    assert "(a boundary of examples/regression/v1/score.py's contract)" in against_v1.output
    assert 'this version answered: HTTP 400 {"error": "data[0].support_calls: at most 10"}' in against_v1.output


def test_a_deployment_spec_baseline_runs_in_its_own_environment() -> None:
    gated = gate(
        "--score", "examples/regression/refactor/score.py",
        "--score", "examples/regression/threshold/score.py",
        "--score-baseline", "examples/regression/v1/deployment.yml",
    )  # fmt: skip
    assert gated.checks("examples/regression/refactor/score.py", "FAILED") == set(), gated.output
    assert gated.checks("examples/regression/threshold/score.py", "FAILED") == {"answers_match_the_baseline"}
    assert (
        "the baseline examples/regression/v1/deployment.yml: environment of score.py: examples/regression/v1/environment/conda.yaml"
        in gated.output
    )
    assert "the baseline (examples/regression/v1/deployment.yml) answered: HTTP 200" in gated.output


def git(cwd: Path, *args: str) -> str:
    identity = ["-c", "user.name=gate", "-c", "user.email=gate@example.com", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A project whose last commit holds v1; its working tree holds the moved threshold, not committed."""
    shutil.copytree(
        REGRESSION / "v1",
        tmp_path / "app",
        ignore=shutil.ignore_patterns("score-contract.toml", "deployment.yml", "environment"),
    )
    shutil.copytree(REGRESSION / "model", tmp_path / "model")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "v1")
    shutil.copyfile(REGRESSION / "threshold" / "score.py", tmp_path / "app" / "score.py")
    return tmp_path


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_git_revision_baseline_is_read_without_touching_the_working_tree(repository: Path) -> None:
    before = (
        git(repository, "status", "--porcelain"),
        git(repository, "rev-parse", "HEAD"),
        git(repository, "stash", "list"),
    )
    gated = gate(
        "--score", "app/score.py", "--score-model-dir", "model", "--score-baseline", "git:HEAD", cwd=repository
    )
    assert gated.checks("app/score.py", "FAILED") == {"answers_match_the_baseline"}, gated.output
    assert "the baseline (git:HEAD) answered: HTTP 200" in gated.output
    assert "reproduce: score-contract replay --baseline git:HEAD app/score.py --model-dir model --body" in gated.output
    assert (
        git(repository, "status", "--porcelain"),
        git(repository, "rev-parse", "HEAD"),
        git(repository, "stash", "list"),
    ) == before
    assert before[0].strip() == "M app/score.py"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize(
    ("baseline", "said"),
    [
        ("git:no-such-branch", "--score-baseline git:no-such-branch: no revision no-such-branch in"),
        ("git:", "name the revision after git:"),
        ("git:--output=x", "is not a revision (a git option?)"),
    ],
)
def test_a_revision_that_is_not_there_is_a_usage_error(repository: Path, baseline: str, said: str) -> None:
    gated = gate("--score", "app/score.py", "--score-model-dir", "model", "--score-baseline", baseline, cwd=repository)
    assert gated.returncode == 4, gated.output
    assert said in gated.output and "Traceback" not in gated.output


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_script_that_did_not_exist_at_the_revision_is_a_usage_error(repository: Path) -> None:
    shutil.copytree(repository / "app", repository / "new_app")
    gated = gate(
        "--score", "new_app/score.py", "--score-model-dir", "model", "--score-baseline", "git:HEAD", cwd=repository
    )
    assert gated.returncode == 4, gated.output
    assert "--score-baseline git:HEAD: new_app/score.py is not in HEAD" in gated.output


def test_a_baseline_that_cannot_start_fails_the_comparison_with_its_own_error() -> None:
    gated = gate("--score", "tests/scripts/good/score.py", "--score-baseline", "tests/scripts/init_raises/score.py")
    script = "tests/scripts/good/score.py"
    assert gated.checks(script, "FAILED") == {"answers_match_the_baseline"}, gated.output
    assert "the baseline tests/scripts/init_raises/score.py's init() failed: FileNotFoundError" in gated.output
    assert f"the baseline could not be run; see {script}::answers_match_the_baseline" in gated.output
    assert "1 failed, 15 passed, 1 skipped" in gated.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--score-baseline", "nowhere/score.py"], "--score-baseline nowhere/score.py: does not exist"),
        (["--score-baseline", "tests/scripts"], "--score-baseline tests/scripts: is a folder"),
        (["--score-baseline", "README.md"], "not a scoring script (.py) or a deployment spec"),
        (["--score-tolerance", "0.01"], "--score-tolerance 0.01: say which bound 0.01 is"),
        (["--score-baseline-model-dir", "nowhere"], "nowhere: the baseline's model folder does not exist"),
    ],
)
def test_bad_comparison_options_are_one_line_usage_errors(args: list[str], said: str) -> None:
    gated = gate("--score", "tests/scripts/good/score.py", *args)
    assert gated.returncode == 4, gated.output
    assert said in gated.output and "Traceback" not in gated.output


def test_a_batch_script_cannot_be_compared() -> None:
    gated = gate("--score", "examples/batch-files/score.py", "--score-baseline", "examples/batch-files/score.py")
    assert gated.returncode == 4, gated.output
    assert (
        "is a batch scoring script (run(mini_batch)); the comparison of versions and production traffic are for online scripts"
        in gated.output
    )
