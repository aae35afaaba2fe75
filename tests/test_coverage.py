"""Coverage of the script (--score-cov, --score-cov-fail-under, --score-cov-report): what the contract
run reached of the script and its local modules, measured by coverage.py inside the worker."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from coverage import CoverageData

from score_contract.config.settings import resolve
from score_contract.coverage.results import ranges
from score_contract.online.runner import ScriptRun
from score_contract.pipeline.context import RunContext
from score_contract.planning.script import plan
from score_contract.reporting.records import schema
from tests.conftest import REPO, SCRIPTS

BRANCHY = SCRIPTS / "branch_by_input" / "score.py"

#: The server's way for an undecorated run(): import as entry_module with the app root on
#: sys.path, init(), then run() on each body's text; coverage.py started by hand around it all.
BY_HAND = """
import importlib.util, json, sys
import coverage

script, app_root, bodies, data_file = sys.argv[1:5]
cov = coverage.Coverage(data_file=data_file, branch=True, include=[app_root + "/*"], config_file=False)
cov.start()
sys.path.append(app_root)
spec = importlib.util.spec_from_file_location("entry_module", script)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.init()
for body in json.load(open(bodies)):
    try:
        module.run(body)
    except Exception:
        pass
cov.stop()
cov.save()
"""


def _measured_run(script: Path, **options: object) -> tuple[ScriptRun, dict[str, object]]:
    settings = resolve(scripts=[str(script)], base=REPO, seed=1, cov=True, **options)  # type: ignore[arg-type]
    run = ScriptRun(plan(settings, settings.scripts[0], REPO), settings, RunContext())
    try:
        figures = run.coverage()
    finally:
        run.close()
    assert figures is not None
    return run, figures


def test_the_lines_and_branches_reached_are_those_coverage_py_measures_by_hand_on_the_same_calls(
    tmp_path: Path,
) -> None:
    run, figures = _measured_run(BRANCHY, examples="5")
    try:
        calls = [c for c in run.calls() if c.rejected is None and c.death is None]
        assert calls
        (tmp_path / "bodies.json").write_text(json.dumps([c.body.text for c in calls]))
        by_hand = tmp_path / ".coverage"
        subprocess.run(
            [sys.executable, "-c", BY_HAND, str(BRANCHY), str(BRANCHY.parent), str(tmp_path / "bodies.json"), by_hand],
            cwd=BRANCHY.parent,
            check=True,
        )
        assert run.measurement is not None and run.measurement.data_file is not None
        ours, theirs = CoverageData(str(run.measurement.data_file)), CoverageData(str(by_hand))
        ours.read()
        theirs.read()
        assert sorted(ours.measured_files()) == sorted(theirs.measured_files())
        assert {Path(f).name for f in ours.measured_files()} == {"score.py", "pricing.py"}
        for file in ours.measured_files():
            assert ours.lines(file) == theirs.lines(file), file
            assert sorted(ours.arcs(file) or []) == sorted(theirs.arcs(file) or []), file
    finally:
        if run.measurement is not None:
            run.measurement.remove()
    # The numbers: the premium branch of run() and the many-seats branch of pricing.py were never taken.
    assert figures["never_reached"] == "score.py:22-23, pricing.py:6"
    assert figures["hint"] == "add a sample that reaches score.py:22"
    assert 0 < figures["percent"] < 100  # type: ignore[operator]


def test_a_sample_that_takes_the_branch_is_what_the_hint_asks_for(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(BRANCHY.parent, app)
    (app / "samples" / "premium.json").write_text('{"plan": "premium", "seats": 1}')
    _, figures = _measured_run(app / "score.py", examples="0")
    assert figures["never_reached"] == "pricing.py:6"
    assert figures["hint"] == ""  # what is left is not in run()


def test_missing_lines_are_ranges_over_statements_so_a_comment_between_does_not_cut_one() -> None:
    assert ranges([1, 2, 5, 6, 9, 10], [2, 5, 6, 10]) == ["2-6", "10"]
    assert ranges([1, 2, 3], []) == []


_SESSION_ARGS = ("--score", "branch_by_input/score.py", "--score-examples", "3")


def _session(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*_SESSION_ARGS, *args)


def test_the_terminal_summary_has_a_line_per_script_with_what_no_body_reached_and_the_sample_to_add(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("branch_by_input")
    copy_script("good")
    result = _session(pytester, "--score", "good/score.py", "--score-cov")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*- score-contract: coverage -*",
            "branch_by_input/score.py 7?% (branches); never reached: score.py:22-23, pricing.py:6"
            " — add a sample that reaches score.py:22",
            "good/score.py 100% (branches)",
        ]
    )
    assert "bodies_cover_the_script" not in result.stdout.str()  # a check only with --score-cov-fail-under


def test_fail_under_passes_when_the_bodies_reach_enough(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("branch_by_input")
    result = _session(pytester, "--score-cov-fail-under", "60", "-v")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*branch_by_input/score.py::bodies_cover_the_script PASSED*"])


def test_fail_under_fails_below_with_what_was_missed_and_a_reproduce_command(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("branch_by_input")
    pytester.makeini("[pytest]\nscore_cov_fail_under = 95\n")
    result = _session(pytester, "--hypothesis-seed=3")
    assert result.ret == 1
    result.assert_outcomes(failed=1, passed=15)
    result.stdout.fnmatch_lines(
        [
            "the bodies sent reached 7?% of the script, below --score-cov-fail-under 95%",
            "  contract: The request bodies sent reach at least --score-cov-fail-under percent of the lines*",
            "  reached: 1? of 16 lines, 2 of 4 branches",
            "      score.py 7?%",
            "      pricing.py 67%",
            "  never reached: score.py:22-23, pricing.py:6",
            "  add a sample that reaches score.py:22 (run()'s unreached lines and branches are the inputs nobody sent)",
            "  reproduce: score-contract check branch_by_input/score.py --examples 3 --seed 3 --cov-fail-under 95"
            " --cov-report term",
            "FAILED branch_by_input/score.py::bodies_cover_the_script - the*",
        ]
    )


def test_the_report_carries_the_coverage_and_validates_against_its_schema(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("branch_by_input")
    _session(pytester, "--score-cov", "--score-report", "report.json", "--score-summary", "summary.md")
    report = json.loads((pytester.path / "report.json").read_text())
    jsonschema.validate(report, schema())
    coverage = report["scripts"][0]["coverage"]
    assert coverage["never_reached"] == "score.py:22-23, pricing.py:6"
    assert [f["file"] for f in coverage["files"]] == ["score.py", "pricing.py"]
    assert coverage["files"][1]["missing_lines"] == [6]
    assert re.search(r"\| 7\d% \|$", (pytester.path / "summary.md").read_text().splitlines()[6])


def test_coverage_py_reporters_write_each_report_asked_for(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("branch_by_input")
    pytester.mkdir("out")
    result = _session(pytester, "--score-cov-report", "term,xml,json:out/cov.json,html")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["branch_by_input/pricing.py * 67%   6", "TOTAL*", "coverage XML written to *"])
    assert "branch_by_input/score.py" in (pytester.path / "coverage-score.xml").read_text()
    assert any(
        name.endswith("pricing.py") for name in json.loads((pytester.path / "out" / "cov.json").read_text())["files"]
    )
    assert (pytester.path / "htmlcov-score" / "index.html").is_file()


def test_under_xdist_the_controller_writes_the_reports_from_every_workers_scripts(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    # The controller runs no script: the workers leave each script's data where it finds it.
    copy_script("branch_by_input")
    copy_script("good")
    result = pytester.runpytest_subprocess(
        "-n", "2", "--score", "good/score.py", *_SESSION_ARGS, "--score-cov-report", "term,xml:cov.xml"
    )
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*- score-contract: coverage -*", "TOTAL*", "coverage XML written to *"])
    xml = (pytester.path / "cov.xml").read_text()
    assert "branch_by_input/score.py" in xml and "good/score.py" in xml


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--score-cov-fail-under", "120"], "--score-cov-fail-under 120: a percentage is between 0 and 100."),
        (["--score-cov-fail-under", "most"], "--score-cov-fail-under most: not a percentage."),
        (["--score-cov-report", "pdf"], "'pdf' is not a report; give term, html, xml, json or data"),
        (["--score-cov-report", "xml:nowhere/c.xml"], "the folder * does not exist."),
    ],
)
def test_coverage_options_refuse_bad_values_as_usage_errors(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], args: list[str], message: str
) -> None:
    copy_script("good")
    result = pytester.runpytest("--score", "good/score.py", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}*"])


def test_the_caught_exception_and_init_at_import_checks_still_see_the_script_under_coverage(
    pytester: pytest.Pytester,
) -> None:
    # Coverage's tracer and the caught-exception watcher's instrumented handlers (before 3.12) run together.
    shutil.copytree(REPO / "tests" / "realworld" / "hidden_model_not_loaded", pytester.path / "hidden")
    shutil.copytree(SCRIPTS / "init_at_import", pytester.path / "init_at_import")
    result = pytester.runpytest(
        "--score", "hidden/score.py", "--score", "init_at_import/score.py", "--score-examples", "3", "--score-cov"
    )
    result.stdout.fnmatch_lines(
        [
            "*likely cause: init() caught FileNotFoundError*",
            "FAILED hidden/score.py::run_does_not_hide_errors - *",
            "FAILED init_at_import/score.py::import_does_not_call_init - *",
        ],
        consecutive=False,
    )
    result.stdout.fnmatch_lines(["hidden/score.py *% (branches)*"])


def test_a_batch_script_is_measured_too(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "tests" / "batch" / "dict_elements", pytester.path / "batch")
    result = pytester.runpytest_subprocess("--score", "batch/score.py", "--score-cov")  # batch classes: one copy
    result.stdout.fnmatch_lines(["batch/score.py 100% (branches)"])


def test_with_pytest_cov_the_scripts_lines_count_in_its_numbers(tmp_path: Path) -> None:
    app = tmp_path / "src"
    shutil.copytree(BRANCHY.parent, app)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--cov=src", "--cov-report=term-missing"]
        + ["--score", "src/score.py", "--score-examples", "3"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # pytest-cov measures lines only here: the gate's data was written in its mode and combined by it.
    lines = {
        line.split()[0]: line.split() for line in done.stdout.splitlines() if re.match(r"src/\S+ +\d+ +\d+ ", line)
    }
    assert lines["src/score.py"][1:4] == ["12", "2", "83%"] and lines["src/score.py"][4] == "22-23"
    assert lines["src/pricing.py"][1:5] == ["4", "1", "75%", "6"]
    assert "score-contract: coverage" in done.stdout


def test_the_command_takes_the_coverage_options_without_the_prefix() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "score_contract_cli", "check", str(BRANCHY.relative_to(REPO)), "--examples", "3"]
        + ["--cov-fail-under", "99", "--", "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "below --cov-fail-under 99%" in done.stdout
    assert "--score-cov" not in done.stdout
