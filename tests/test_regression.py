"""The regression gate end to end: the four versions under examples/regression/ against v1, with --score-baseline as a
path (their score-contract.toml), as a deployment spec (built in its own environment) and as git:REF (read from a
throwaway repository without touching its working tree), one pytest process gating the four per form; production's
capture (--score-traffic) replayed in the first of them; the reports it writes; the reproduce line run as printed."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from score_contract.config.settings import resolve
from score_contract.errors import UsageError
from score_contract.planning.script import plan
from score_contract.reporting.records import schema

REPO = Path(__file__).resolve().parent.parent
REGRESSION = REPO / "examples" / "regression"
VERSIONS = ("refactor", "renamed-key", "threshold", "strict-input")
#: "PASSED x/score.py::check" / "FAILED x/score.py::check - headline" (pytest -rA).
SUMMARY_LINE = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED) (?:\[\d+\] )?(\S+)", re.MULTILINE)
COMPARISON = {"answers_match_the_baseline", "contract_is_backward_compatible"}
#: What each version breaks of the comparison, and the words that say why.
VERDICTS = {
    "refactor": (set(), ""),
    "renamed-key": (COMPARISON, "the new answer lost the shape of the baseline's: $.probabilities removed"),
    "threshold": ({"answers_match_the_baseline"}, "(a label or class flipped)"),
    "strict-input": (
        {"contract_is_backward_compatible"},
        "the new version refuses a body the baseline answered: HTTP 200 → HTTP 400",
    ),
}
CAPTURE = "modelDataCollector/churn-endpoint/blue/request/2025/01/15"


@dataclass(frozen=True)
class Gated:
    returncode: int
    output: str
    #: node id -> PASSED / FAILED / ERROR / SKIPPED
    outcomes: dict[str, str]
    #: How the gated scripts are named, by version; the baseline as the reproduce line names it.
    scripts: dict[str, str]
    baseline: str
    folder: Path = REPO

    def checks(self, script: str, outcome: str) -> set[str]:
        return {
            node.split("::")[1]
            for node, seen in self.outcomes.items()
            if node.startswith(script + "::") and seen == outcome
        }

    def failure(self, script: str, check: str) -> str:
        """The failure text pytest printed for one check of one script."""
        return self.output.split(f"_ {check} ({script}) _")[1].split("\n_")[0].split("\n=")[0]


def gate(*args: str, cwd: Path = REPO) -> tuple[int, str, dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "--hypothesis-seed=1", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    outcomes = {node: outcome for outcome, node in SUMMARY_LINE.findall(done.stdout)}
    return done.returncode, done.stdout + done.stderr, outcomes


def scripts(*names: str) -> list[str]:
    return [arg for name in names for arg in ("--score", name)]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def by_path(reports: Path) -> Gated:
    """v1 and the four versions, each against v1 as a path (its score-contract.toml names it), all with production's
    capture, which v1 answered."""
    named = {version: f"examples/regression/{version}/score.py" for version in ("v1", *VERSIONS)}
    code, output, outcomes = gate(
        *scripts(*named.values()),
        "--score-traffic", "examples/regression/traffic",
        "--score-report", str(reports / "report.json"),
        "--score-summary", str(reports / "summary.md"),
    )  # fmt: skip
    return Gated(code, output, outcomes, named, "examples/regression/v1/score.py")


@pytest.fixture(scope="module")
def by_spec() -> Gated:
    """The four versions against v1's deployment spec: v1 in the environment its conda file declares."""
    named = {version: f"examples/regression/{version}/score.py" for version in VERSIONS}
    spec = "examples/regression/v1/deployment.yml"
    return Gated(*gate(*scripts(*named.values()), "--score-baseline", spec), named, spec)


def git(cwd: Path, *args: str) -> str:
    identity = ["-c", "user.name=gate", "-c", "user.email=gate@example.com", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def repository_state(folder: Path) -> tuple[str, ...]:
    return tuple(git(folder, *args) for args in (["status", "--porcelain"], ["rev-parse", "HEAD"], ["stash", "list"]))


@pytest.fixture(scope="module")
def by_git(tmp_path_factory: pytest.TempPathFactory) -> Gated:
    """A project whose last commit holds v1 in four folders; its working tree holds the four versions, not committed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(REGRESSION / "model", project / "model")
    leave_out = shutil.ignore_patterns("score-contract.toml", "deployment.yml", "environment")
    for version in VERSIONS:
        shutil.copytree(REGRESSION / "v1", project / f"app-{version}", ignore=leave_out)
    # As a real project ignores them: importing the new versions writes their bytecode beside them.
    (project / ".gitignore").write_text("__pycache__/\n")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "v1")
    for version in VERSIONS:
        for name in ("score.py", "request.schema.json"):
            shutil.copyfile(REGRESSION / version / name, project / f"app-{version}" / name)
    before = repository_state(project)
    named = {version: f"app-{version}/score.py" for version in VERSIONS}
    gated = gate(*scripts(*named.values()), "--score-model-dir", "model", "--score-baseline", "git:HEAD", cwd=project)
    assert repository_state(project) == before, "the gate changed the repository"
    assert len(before[0].splitlines()) == len(VERSIONS) + 1, before[0]  # strict-input's schema changed too
    return Gated(*gated, named, "git:HEAD", project)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("form", ["by_path", "by_spec", "by_git"])
def test_each_version_gets_its_verdict_for_its_reason(request: pytest.FixtureRequest, form: str, version: str) -> None:
    gated: Gated = request.getfixturevalue(form)
    script = gated.scripts[version]
    failing, reason = VERDICTS[version]
    assert gated.checks(script, "FAILED") & COMPARISON == failing, gated.output
    assert COMPARISON - failing <= gated.checks(script, "PASSED"), gated.output
    for check in failing:
        failure = gated.failure(script, check)
        baseline = f"--baseline {gated.baseline} {script}"
        assert f"reproduce: score-contract replay {baseline}" in failure, failure
    if failing:
        assert reason in gated.output
    # Every check of the script alone passes: only the comparison tells the versions apart.
    assert gated.checks(script, "FAILED") - COMPARISON - {"answers_match_production"} == set(), gated.output


def test_a_refactor_with_only_float_noise_is_within_the_tolerance(by_path: Gated) -> None:
    line = next(
        line for line in by_path.output.splitlines() if line.startswith(f"{by_path.scripts['refactor']} against")
    )
    # The noise was there, and the tolerance let it through.
    found = re.search(r"(\d+) identical, (\d+) within the tolerance, 0 different", line)
    assert found is not None and int(found.group(2)) > 0, line
    assert re.search(r"largest numeric difference: [0-9.]+e-1[5-7] ", line), line


def test_a_renamed_output_key_shows_both_places_and_how_to_accept_it(by_path: Gated) -> None:
    failure = by_path.failure(by_path.scripts["renamed-key"], "answers_match_the_baseline")
    assert "differs at 2 places: $.probabilities: [] → (absent); $.churn_probabilities: (absent) → []" in failure
    assert "--score-accept-changes '$.probabilities,$.churn_probabilities'" in failure


def test_a_moved_threshold_counts_the_flipped_classes(by_path: Gated) -> None:
    failure = by_path.failure(by_path.scripts["threshold"], "answers_match_the_baseline")
    assert "the answer differs from the baseline's: $.predictions[0]: 1 → 0 (a label or class flipped)" in failure
    flips = re.search(
        r"(\d+) labels? or class(?:es)? flipped in (\d+) bod(?:y|ies): \$\.predictions \((\d+)\)", failure
    )
    assert flips is not None and int(flips.group(1)) >= 1, failure
    # The probabilities are v1's: only the classes moved.
    assert re.search(r"\d+ bodies compared \(both versions answered with 2xx\): \d+ identical, 0 within", failure)


def test_tightened_input_validation_is_found_with_the_old_contracts_bodies(by_path: Gated) -> None:
    failure = by_path.failure(by_path.scripts["strict-input"], "contract_is_backward_compatible")
    # The new contract never generates more than 10 support calls: v1's own contract does.
    assert "(a boundary of examples/regression/v1/score.py's contract)" in failure
    assert 'this version answered: HTTP 400 {"error": "data[0].support_calls: at most 10"}' in failure


def test_a_deployment_spec_baseline_runs_in_its_own_environment(by_spec: Gated) -> None:
    assert (
        "the baseline examples/regression/v1/deployment.yml: environment of score.py:"
        " examples/regression/v1/environment/conda.yaml" in by_spec.output
    )
    assert "the baseline (examples/regression/v1/deployment.yml) answered: HTTP 200" in by_spec.output


def test_a_git_revision_baseline_names_the_revision(by_git: Gated) -> None:
    assert "the baseline (git:HEAD) answered: HTTP 200" in by_git.output
    assert "reproduce: score-contract replay --baseline git:HEAD app-threshold/score.py --model-dir model" in (
        by_git.output
    )


# -- production's capture --------------------------------------------------------------------------------------------


def test_the_version_production_runs_matches_every_captured_answer(by_path: Gated) -> None:
    assert "answers_match_production" in by_path.checks(by_path.scripts["v1"], "PASSED"), by_path.output
    line = next(line for line in by_path.output.splitlines() if line.startswith("examples/regression/v1/score.py: pro"))
    assert line.startswith(
        "examples/regression/v1/score.py: production: 4 of 5 requests replayed; 3 bodies compared (production's"
        " answer): 3 identical, 0 within the tolerance, 0 different; 1 request without a captured response:"
        f" {CAPTURE}/11/c4b2e3d5-6e7f-4081-9bac-1d2e3f4a5b6c.jsonl:1; 1 record could not be replayed:"
        f" {CAPTURE}/11/c4b2e3d5-6e7f-4081-9bac-1d2e3f4a5b6c.jsonl:2: the payload is stored apart"
    ), line


def test_a_changed_answer_fails_against_production_with_no_old_script(by_path: Gated) -> None:
    script = by_path.scripts["threshold"]
    assert "answers_match_production" in by_path.checks(script, "FAILED"), by_path.output
    failure = by_path.failure(script, "answers_match_production")
    assert "the answer differs from production's: $.predictions[0]: 1 → 0 (a label or class flipped)" in failure
    assert 'production answered: {"predictions": [1], "probabilities": [0.5719110617448164]}' in failure
    assert f"smallest differing body ({CAPTURE}/10/b3a1f2c4-5d6e-4f70-8a9b-0c1d2e3f4a5b.jsonl:2)" in failure
    # The refactor answers what production answered, within the tolerance; the renamed key does not.
    assert "answers_match_production" in by_path.checks(by_path.scripts["refactor"], "PASSED")
    assert "answers_match_production" in by_path.checks(by_path.scripts["renamed-key"], "FAILED")


def test_every_replayable_record_is_replayed_and_the_rest_are_named_in_the_report(
    by_path: Gated, reports: Path
) -> None:
    report = json.loads((reports / "report.json").read_text())
    jsonschema.validate(report, schema())
    found = {entry["script"]: entry for entry in report["scripts"]}
    v1 = found[by_path.scripts["v1"]]
    assert v1["kind"] == "comparison"
    production = v1["comparison"]["production"]
    assert (production["requests"], production["replayed"], production["compared"]) == (5, 4, 3)
    assert production["identical"] == 3 and production["sampled_out"] == 0
    assert production["no_response"] == [f"{CAPTURE}/11/c4b2e3d5-6e7f-4081-9bac-1d2e3f4a5b6c.jsonl:1"]
    (unreplayable,) = production["not_replayable"]
    assert unreplayable["record"] == f"{CAPTURE}/11/c4b2e3d5-6e7f-4081-9bac-1d2e3f4a5b6c.jsonl:2"
    # Two of the four are v1's samples too (sent once); the other two were sent as production requests.
    assert v1["sent"]["traffic"] == 2
    threshold = found[by_path.scripts["threshold"]]["comparison"]
    assert threshold["baseline"]["flips"] == threshold["baseline"]["different"] > 0
    assert threshold["production"]["flipped_paths"] == {"$.predictions": 2}
    refactor = found[by_path.scripts["refactor"]]["comparison"]["baseline"]
    assert refactor["different"] == 0 and refactor["within_tolerance"] > 0
    assert refactor["largest_difference"]["absolute"] < 1e-12


def test_the_markdown_summary_counts_the_compared_answers(by_path: Gated, reports: Path) -> None:
    summary = (reports / "summary.md").read_text()
    assert "### Compared answers" in summary
    row = next(
        line for line in summary.splitlines() if line.startswith("| `examples/regression/threshold/score.py` | `")
    )
    assert row.startswith("| `examples/regression/threshold/score.py` | `examples/regression/v1/score.py` | ")
    assert "($.predictions: " in row
    production = next(
        line for line in summary.splitlines() if line.startswith("| `examples/regression/v1/score.py` | production")
    )
    assert "(4 of 5 requests replayed, 1 not replayable, 1 without a captured response) | 3 | 3 | 0 | 0 | 0 |" in (
        production
    )


# -- replay --baseline -----------------------------------------------------------------------------------------------


def score_contract(*args: str, cwd: Path = REPO, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user runs a printed reproduce line."""
    command = [str(Path(sys.executable).parent / "score-contract"), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_the_reproduce_line_shows_both_answers_side_by_side(by_path: Gated) -> None:
    failure = by_path.failure(by_path.scripts["threshold"], "answers_match_the_baseline")
    command = failure.split("reproduce: ", 1)[1].splitlines()[0]
    done = score_contract(*shlex.split(command)[1:])
    assert done.returncode == 1, done.stdout + done.stderr
    shown = done.stdout
    assert 'the baseline (examples/regression/v1/score.py) answered: HTTP 200 {"predictions": [1]' in shown
    assert 'this version answered: HTTP 200 {"predictions": [0]' in shown
    assert re.search(r"^\$\.predictions\[0\] +1 +0 +different$", shown, re.MULTILINE), shown
    assert "answers_match_the_baseline: the answer differs from the baseline's: $.predictions[0]: 1 → 0" in shown


def test_replay_baseline_passes_float_noise_within_the_tolerance() -> None:
    body = '{"data": [{"tenure_months": 30, "monthly_charges": 72.5, "support_calls": 3}]}'
    done = score_contract(
        "replay", "--baseline", "examples/regression/v1/score.py", "examples/regression/refactor/score.py",
        "--model-dir", "examples/regression/model", "--body", body,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(
        r"^\$\.probabilities\[0\] +0\.57191106174481\d+ +0\.57191106174481\d+ +within the tolerance$",
        done.stdout,
        re.MULTILINE,
    ), done.stdout


# -- what cannot be compared ------------------------------------------------------------------------------------------


def test_a_baseline_that_cannot_start_fails_the_comparison_with_its_own_error() -> None:
    code, output, outcomes = gate(
        "--score", "tests/scripts/good/score.py", "--score-baseline", "tests/scripts/init_raises/score.py"
    )
    gated = Gated(code, output, outcomes, {}, "")
    script = "tests/scripts/good/score.py"
    assert gated.checks(script, "FAILED") == {"answers_match_the_baseline"}, gated.output
    assert "the baseline tests/scripts/init_raises/score.py's init() failed: FileNotFoundError" in gated.output
    assert f"the baseline could not be run; see {script}::answers_match_the_baseline" in gated.output
    assert "1 failed, 15 passed, 1 skipped" in gated.output


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"baseline": "nowhere/score.py"}, "nowhere/score.py: does not exist"),
        ({"baseline": "tests/scripts"}, "tests/scripts: is a folder"),
        ({"baseline": "README.md"}, "not a scoring script (.py) or a deployment spec"),
        ({"baseline": "git:"}, "name the revision after git:"),
        ({"tolerance": "0.01"}, "--score-tolerance 0.01: say which bound 0.01 is"),
        ({"baseline_model_dir": "nowhere"}, "nowhere: the baseline's model folder does not exist"),
        ({"traffic": "nowhere"}, "nowhere: the traffic path does not exist"),
        ({"traffic_limit": "-1"}, "--score-traffic-limit -1: must be 0 or more"),
    ],
)
def test_bad_comparison_options_are_usage_errors(options: dict[str, str], said: str) -> None:
    with pytest.raises(UsageError) as raised:
        resolve(scripts=["tests/scripts/good/score.py"], base=REPO, **options)  # type: ignore[arg-type]
    assert said in str(raised.value)


def test_a_batch_script_cannot_be_compared() -> None:
    settings = resolve(scripts=["examples/batch-files/score.py"], baseline="examples/batch-files/score.py", base=REPO)
    with pytest.raises(
        UsageError, match=r"is a batch scoring script \(run\(mini_batch\)\); the comparison of versions"
    ):
        plan(settings, settings.scripts[0], REPO)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    shutil.copytree(REGRESSION / "v1", tmp_path / "app", ignore=shutil.ignore_patterns("score-contract.toml"))
    (tmp_path / ".gitignore").write_text("__pycache__/\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "v1")
    shutil.copytree(tmp_path / "app", tmp_path / "new_app")
    return tmp_path


@pytest.mark.parametrize(
    ("baseline", "script", "said"),
    [
        ("git:no-such-branch", "app/score.py", "--score-baseline git:no-such-branch: no revision no-such-branch in"),
        ("git:--output=x", "app/score.py", "is not a revision (a git option?)"),
        ("git:HEAD", "new_app/score.py", "--score-baseline git:HEAD: new_app/score.py is not in HEAD"),
    ],
)
def test_a_revision_or_a_script_that_is_not_there_is_a_usage_error(
    repository: Path, baseline: str, script: str, said: str
) -> None:
    settings = resolve(scripts=[script], baseline=baseline, base=repository)
    with pytest.raises(UsageError) as raised:
        plan(settings, settings.scripts[0], repository)
    assert said in str(raised.value)


def test_a_comparison_usage_error_is_one_line_without_a_traceback(repository: Path) -> None:
    code, output, _ = gate("--score", "app/score.py", "--score-baseline", "git:no-such-branch", cwd=repository)
    assert code == 4, output
    assert "ERROR: --score-baseline git:no-such-branch: no revision no-such-branch in" in output
    assert "Traceback" not in output


VOLATILE_VERSION = """
import json
import uuid


def init():
    pass


def run(raw_data):
    x = json.loads(raw_data)["x"]
    # Which replica answered: a new value on every call, that nothing should compare.
    return {{"label": int(x {compared} 0), "served_by": "{name}-" + uuid.uuid4().hex[:8]}}
"""


def test_a_comparison_failure_replays_with_the_gates_volatile_keys(tmp_path: Path) -> None:
    """The reproduce line of a comparison failure carries --volatile-keys, so the replay leaves out of both answers
    what the gate left out, and shows only the difference the gate failed on."""
    for name, compared in (("old", ">"), ("new", ">=")):  # they differ at 0
        (tmp_path / name).mkdir()
        (tmp_path / name / "score.py").write_text(VOLATILE_VERSION.format(compared=compared, name=name))
        schema = {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}
        (tmp_path / name / "request.schema.json").write_text(json.dumps(schema))
    code, output, _ = gate(
        "--score",
        "new/score.py",
        "--score-baseline",
        "old/score.py",
        "--score-volatile-keys",
        "served_by",
        cwd=tmp_path,
    )
    assert code == 1, output
    assert "FAILED new/score.py::answers_match_the_baseline" in output, output
    command = re.search(r"reproduce: (score-contract replay --baseline .*)", output)
    assert command is not None, output
    assert "--volatile-keys served_by" in command.group(1)
    done = score_contract(*shlex.split(command.group(1))[1:], cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^\$\.label +0 +1 +different$", done.stdout, re.MULTILINE), done.stdout
    assert "served_by" not in done.stdout.split("this version answered:", 1)[1].split("\n", 1)[1], done.stdout


def test_volatile_keys_in_replay_go_with_a_baseline() -> None:
    done = score_contract("replay", "examples/regression/v1/score.py", "--volatile-keys", "served_by", timeout=60)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "--volatile-keys go with --baseline TARGET." in done.stdout + done.stderr
