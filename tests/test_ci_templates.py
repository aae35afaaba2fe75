"""The ways to adopt the gate in one line: the GitHub Action (action.yml), the pre-commit hook
(.pre-commit-hooks.yaml) and the Azure Pipelines template (ci-templates/azure-pipelines.yml).

No GitHub or Azure here: each file's shell steps are run in bash as a runner runs them, with the variables it sets
(GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP...; BUILD_ARTIFACTSTAGINGDIRECTORY...), against the wheel installed
in a venv outside the checkout. Steps that are marketplace actions or tasks (setup-python, PublishTestResults) are
not run; the files they would publish are checked to exist. The pre-commit hook runs through `pre-commit try-repo`
on a throwaway git repository.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.installed import REPO, copy_examples, outside

pytestmark = pytest.mark.skipif(
    not (REPO / "action.yml").is_file(), reason="needs the checkout: the CI templates are not in the package"
)

EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def _substitute(text: str, values: dict[str, str]) -> str:
    """A runner's template expressions (`${{ inputs.x }}`, `${{ parameters.x }}`), as the runner fills them in."""
    return EXPRESSION.sub(lambda match: values[match.group(1)], text)


def _bash(script: str, env: dict[str, str], cwd: Path, flags: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    path = cwd.parent / f"step-{abs(hash(script))}.sh"
    path.write_text(script)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", *flags, str(path)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_github_action(inputs: dict[str, str], venv: Path, workspace: Path) -> tuple[int, dict[str, str], Path, str]:
    """The composite action's `run` steps, in order, as the runner does; returns the gate's exit code, the action's
    outputs, the job summary file and what the steps printed."""
    action = yaml.safe_load((REPO / "action.yml").read_text())
    declared = action["inputs"]
    assert not set(inputs) - set(declared), "an input the action does not declare"
    values = {f"inputs.{name}": inputs.get(name, spec.get("default", "")) for name, spec in declared.items()}
    values["github.action_path"] = str(REPO)
    temp = workspace.parent / "runner-temp"
    temp.mkdir()
    summary = workspace.parent / "step-summary.md"
    summary.touch()
    base = outside(venv) | {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(REPO),
        "RUNNER_TEMP": str(temp),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    outputs: dict[str, dict[str, str]] = {}
    printed, code = "", 0
    for number, step in enumerate(action["runs"]["steps"]):
        if "uses" in step:
            continue  # actions/setup-python: the venv on PATH stands for the Python it sets up
        assert step["shell"] == "bash"
        out = workspace.parent / f"github-output-{number}"
        out.touch()
        env = base | {key: _substitute(str(value), values) for key, value in step.get("env", {}).items()}
        env["GITHUB_OUTPUT"] = str(out)
        # GitHub's `bash` shell: bash --noprofile --norc -eo pipefail {0}.
        done = _bash(step["run"], env, workspace, ("-eo", "pipefail"))
        printed += done.stdout + done.stderr
        if "id" in step:
            lines = out.read_text().splitlines()
            outputs[step["id"]] = dict(line.split("=", 1) for line in lines)
            values.update({f"steps.{step['id']}.outputs.{k}": v for k, v in outputs[step["id"]].items()})
        if done.returncode != 0:
            code = done.returncode
            break
    results = {name: _substitute(spec["value"], values) for name, spec in action["outputs"].items()}
    return code, results, summary, printed


def run_azure_template(parameters: dict[str, str], venv: Path, workspace: Path) -> tuple[int, dict[str, Any], str]:
    """The template's `script` steps, with its parameters and the agent's variables; a later step with
    `condition: succeededOrFailed()` runs after a failed one, as on an agent."""
    template = yaml.safe_load((REPO / "ci-templates" / "azure-pipelines.yml").read_text())
    declared = {spec["name"]: spec for spec in template["parameters"]}
    assert not set(parameters) - set(declared), "a parameter the template does not declare"
    values = {f"parameters.{name}": parameters.get(name, spec.get("default", "")) for name, spec in declared.items()}
    staging = workspace.parent / "staging"
    staging.mkdir()
    # The agent's predefined variables: $(Build.SourcesDirectory) in the YAML, BUILD_SOURCESDIRECTORY in scripts.
    variables = {
        "Build.SourcesDirectory": str(workspace),
        "Build.ArtifactStagingDirectory": str(staging),
        "System.JobDisplayName": "gate",
    }
    base = outside(venv) | {"TF_BUILD": "True"}
    base |= {name.upper().replace(".", "_"): value for name, value in variables.items()}

    def expand(text: str) -> str:
        text = _substitute(text, values)
        return re.sub(r"\$\(([\w.]+)\)", lambda match: variables[match.group(1)], text)

    printed, code, tasks = "", 0, {}
    for step in template["steps"]:
        if "task" in step:
            tasks[step["task"]] = {key: expand(str(value)) for key, value in step.get("inputs", {}).items()}
            continue
        if code != 0 and step.get("condition") != "succeededOrFailed()":
            continue
        env = base | {key: expand(str(value)) for key, value in step.get("env", {}).items()}
        cwd = Path(expand(step.get("workingDirectory", str(workspace))))
        # The agent's script step on Linux: bash --noprofile --norc on the script; its exit code is the last one's.
        done = _bash(step["script"], env, cwd, ())
        printed += done.stdout + done.stderr
        if done.returncode != 0 and code == 0:
            code = done.returncode
    return code, tasks, printed


def _junit_failures(path: Path) -> list[str]:
    return sorted(
        f"{case.get('classname')}::{case.get('name')}"
        for case in ET.parse(path).iter("testcase")
        if case.find("failure") is not None
    )


def test_the_github_action_gates_its_targets_and_publishes_the_reports(
    wheel_venv: Path, built_wheel: Path, tmp_path: Path
) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    copy_examples(workspace, "sklearn-diabetes", "broken-nan-output")
    code, outputs, summary, printed = run_github_action(
        {
            "targets": "sklearn-diabetes/score.py\nbroken-nan-output/score.py",
            "options": "--score-examples 30",
            "package": str(built_wheel),
        },
        wheel_venv,
        workspace,
    )
    assert code == 1, printed[-4000:]
    assert "1 failed" in printed
    report = json.loads(Path(outputs["report"]).read_text())
    failing = [
        (script["script"], check["name"])
        for script in report["scripts"]
        for check in script["checks"]
        if check["outcome"] == "failed"
    ]
    assert failing == [("broken-nan-output/score.py", "output_is_strict_json")]
    assert len(_junit_failures(Path(outputs["junit"]))) == 1
    assert "output_is_strict_json" in Path(outputs["summary"]).read_text()
    # The job's summary page gets the same Markdown.
    assert "output_is_strict_json" in summary.read_text()


def test_the_github_action_passes_correct_scripts_and_refuses_no_targets(wheel_venv: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    copy_examples(workspace, "rawhttp-echo")
    code, outputs, _, printed = run_github_action(
        {"targets": "rawhttp-echo/score.py", "package": "score-contract"}, wheel_venv, workspace
    )
    assert code == 0, printed[-4000:]
    assert Path(outputs["report"]).is_file()
    empty = tmp_path / "second" / "workspace"
    empty.mkdir(parents=True)
    code, _, _, printed = run_github_action({"targets": " ", "package": "score-contract"}, wheel_venv, empty)
    assert code == 4
    assert "::error::score-contract: no targets given" in printed


def test_the_azure_pipelines_template_gates_and_leaves_what_its_tasks_publish(wheel_venv: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "s"
    workspace.mkdir()
    copy_examples(workspace, "sklearn-diabetes", "broken-nan-output")
    code, tasks, printed = run_azure_template(
        {
            "targets": "sklearn-diabetes/score.py broken-nan-output/score.py",
            "package": "score-contract",
            "options": "--score-examples 30",
        },
        wheel_venv,
        workspace,
    )
    assert code == 1, printed[-4000:]
    junit = Path(tasks["PublishTestResults@2"]["testResultsFiles"])
    assert _junit_failures(junit) == ["broken-nan-output.score::output_is_strict_json"]
    uploaded = re.search(r"^##vso\[task\.uploadsummary\](.+)$", printed, re.MULTILINE)
    assert uploaded, "the summary step did not run after the failed gate"
    assert "output_is_strict_json" in Path(uploaded.group(1)).read_text()
    published = Path(tasks["PublishBuildArtifacts@1"]["PathtoPublish"])
    assert (published / "score-contract.json").is_file()


@pytest.fixture
def throwaway_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    copy_examples(repo, "rawhttp-echo", "broken-nan-output")
    (repo / "notes.py").write_text("print('not a scoring script')\n")
    for command in (
        ["git", "init", "-q"],
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "."],
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "scripts"],
    ):
        subprocess.run(command, cwd=repo, check=True, capture_output=True)
    return repo


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is in the test extra")
def test_the_pre_commit_hook_gates_the_scoring_scripts_a_commit_touches(
    throwaway_repo: Path, wheel_venv: Path, tmp_path: Path
) -> None:
    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        # pre-commit builds the hook's environment from the repository (REPO), as it would from its git URL.
        env = outside() | {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
        return subprocess.run(
            ["pre-commit", "try-repo", str(REPO), "score-contract", "--verbose", "--files", *files],
            cwd=throwaway_repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    good = try_repo("rawhttp-echo/score.py", "notes.py")
    assert good.returncode == 0, good.stdout[-4000:] + good.stderr[-2000:]
    assert "rawhttp-echo/score.py" in good.stdout and "notes.py" not in good.stdout.split("score-contract")[-1]
    bad = try_repo("rawhttp-echo/score.py", "broken-nan-output/score.py", "notes.py")
    assert bad.returncode == 1, bad.stdout[-4000:]
    assert "broken-nan-output/score.py::output_is_strict_json" in bad.stdout
