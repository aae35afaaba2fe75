"""A run split over CI machines with pytest-split (issue 22, item 4): the README's GitHub Actions workflow, its
shell steps run job after job in one folder (as the artifacts meet in the last job), against one unsharded run.

Subprocess runs, in bash, with the variables a runner sets: what a job runs is a pytest of its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from score_contract.errors import UsageError
from score_contract.reporting.combine import combine

REPO = Path(__file__).parent.parent
SCRIPTS = ("good", "nan_output", "branch_by_input", "double_encoded", "numpy_output_converted", "response_200")

pytest_split = pytest.importorskip("pytest_split.algorithms", reason="pytest-split (the split extra) is not installed")


def _workflow() -> dict[str, Any]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.github/workflows/score-contract\.yml\n.*?)```", readme, re.DOTALL)
    assert block is not None, "the README's sharding workflow"
    workflow: dict[str, Any] = yaml.safe_load(block.group(1))
    return workflow


def _runs(job: dict[str, Any]) -> list[str]:
    """A job's shell steps, but its installs (this venv has what they install)."""
    return [step["run"] for step in job["steps"] if "run" in step and not step["run"].startswith("pip install")]


def _bash(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _outcomes(junit: Path) -> dict[str, str]:
    """node id -> passed | failure | skipped | error."""
    found = {}
    for case in ET.parse(junit).iter("testcase"):
        node = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
        outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        found[node] = outcome
    return found


def _without_timings(report: dict[str, Any]) -> dict[str, Any]:
    for script in report["scripts"]:
        for figure in ("timings", "latency_ms", "memory_mb"):
            script.pop(figure)
    return report


def test_the_readme_workflow_checks_each_script_whole_on_one_job_and_its_last_job_gives_the_whole_run(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], tmp_path: Path
) -> None:
    for name in SCRIPTS:
        copy_script(name)
    paths = ", ".join(f'"{name}/score.py"' for name in SCRIPTS)
    pytester.makepyprojecttoml(f"[tool.pytest.ini_options]\nscore_paths = [{paths}]\nscore_examples = 10\n")
    # A committed .test_durations: run_accepts_valid_input is where a script's time goes, more in some scripts.
    collected = pytester.runpytest("--collect-only", "-q").stdout.lines
    order = [line for line in collected if "::" in line]
    durations = {node: 0.01 for node in order}
    for n, script in enumerate(SCRIPTS):
        durations[f"{script}/score.py::run_accepts_valid_input"] = 0.5 + 0.7 * n
    (pytester.path / ".test_durations").write_text(json.dumps(durations))
    workflow = _workflow()
    groups = workflow["jobs"]["gate"]["strategy"]["matrix"]["group"]
    env = {
        **os.environ,
        "CI": "true",  # as every runner sets it: Hypothesis's derandomized ci profile, one seed for every job
        "GITHUB_STEP_SUMMARY": str(tmp_path / "step-summary.md"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    [gate] = [run for run in _runs(workflow["jobs"]["gate"]) if run.startswith("pytest")]
    gate = gate.replace("${{ strategy.job-total }}", str(len(groups)))

    # pytest-split alone would part scripts: its default algorithm over the run's items, in their order.
    raw = pytest_split.Algorithms.duration_based_chunks.value(
        len(groups), [SimpleNamespace(nodeid=node) for node in order], durations
    )
    assert any(sum(any(i.nodeid.startswith(f"{s}/") for i in group.selected) for group in raw) > 1 for s in SCRIPTS)

    # The reference: one job over every script.
    whole = _bash(
        re.sub(r"--splits \S+ --group \S+ ", "", gate.replace("${{ matrix.group }}", "whole")), pytester.path, env
    )
    assert whole.returncode == 1, whole.stdout + whole.stderr  # nan_output and double_encoded fail
    # Out of the way of the jobs' files, which the last job finds by their names.
    (pytester.path / "whole").mkdir()
    for name in ("junit-whole.xml", "score-whole.json", "coverage-whole.data"):
        (pytester.path / name).rename(pytester.path / "whole" / name)
    run = _outcomes(pytester.path / "whole" / "junit-whole.xml")

    shards = {}
    for group in groups:
        job = _bash(gate.replace("${{ matrix.group }}", str(group)), pytester.path, env)
        assert job.returncode in (0, 1), job.stdout + job.stderr
        shards[group] = _outcomes(pytester.path / f"junit-{group}.xml")
        assert shards[group], f"job {group} checked nothing"
    for run_step in _runs(workflow["jobs"]["combine"]):
        done = _bash(run_step, pytester.path, env)
        assert done.returncode == 0, f"{run_step}\n{done.stdout}{done.stderr}"

    # Each script on one job only, with every one of its checks; together, the whole run and its outcomes.
    for script in SCRIPTS:
        holding = [g for g, found in shards.items() if any(node.startswith(f"{script}/") for node in found)]
        assert len(holding) == 1, (script, holding)
        mine = {node for node in shards[holding[0]] if node.startswith(f"{script}/")}
        assert mine == {node for node in run if node.startswith(f"{script}/")}
    union = {node: outcome for found in shards.values() for node, outcome in found.items()}
    assert sum(len(found) for found in shards.values()) == len(run)
    assert union == run
    # The combined report is the whole run's but for its timings; so is the combined coverage.
    combined = json.loads((pytester.path / "score.json").read_text())
    assert _without_timings(combined) == _without_timings(
        json.loads((pytester.path / "whole" / "score-whole.json").read_text())
    )
    assert "nan_output/score.py" in (pytester.path / "score.md").read_text()
    assert (tmp_path / "step-summary.md").read_text().count("## score-contract") == len(groups) + 2
    coverage_files = {}
    for data in (".coverage", "whole/coverage-whole.data"):
        out = pytester.path / f"{data}.json"
        done = _bash(f"coverage json --data-file={data} -o {out}", pytester.path, env)
        assert done.returncode == 0, done.stdout + done.stderr
        coverage_files[data] = json.loads(out.read_text())["files"]
    assert coverage_files[".coverage"] == coverage_files["whole/coverage-whole.data"]
    assert "good/score.py" in (pytester.path / "coverage.xml").read_text()


def _report(*scripts: str, seed: int | None = None) -> dict[str, Any]:
    entries = [{"script": s, "verdict": "passed", "checks": []} for s in scripts]
    targets = ["x/score.py", "y/score.py", "z/score.py"]
    return {"report_version": 1, "seed": seed, "versions": {"python": "3.11.7"}, "targets": targets, "scripts": entries}


def test_combine_puts_the_shards_scripts_back_in_the_order_the_run_was_given_them() -> None:
    whole = combine([("a.json", _report("z/score.py", "x/score.py")), ("b.json", _report("y/score.py"))])
    assert [s["script"] for s in whole["scripts"]] == ["x/score.py", "y/score.py", "z/score.py"]


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (_report("x/score.py"), "b.json: x/score.py was checked in a.json too: the shards overlap."),
        (
            _report("z/score.py", seed=7),
            "b.json: seed is 7 where a.json has null: the shards of one run are given the same targets",
        ),
    ],
)
def test_combine_refuses_reports_that_are_not_of_one_run(second: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        combine([("a.json", _report("x/score.py")), ("b.json", second)])


def test_combine_names_a_file_that_is_no_report_in_one_line(pytester: pytest.Pytester) -> None:
    (pytester.path / "junit.xml").write_text("<testsuites/>")
    (pytester.path / "other.json").write_text('{"scripts": []}')
    for name, message in (("junit.xml", "junit.xml: not JSON"), ("other.json", "other.json: not a score-contract")):
        done = subprocess.run(
            [sys.executable, "-m", "score_contract_cli", "combine", name, "--report", "out.json"],
            cwd=pytester.path,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 4
        assert done.stderr.startswith(f"score-contract: error: {message}"), done.stderr
        assert len(done.stderr.splitlines()) == 1
