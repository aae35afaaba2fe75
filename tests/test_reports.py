"""--score-report FILE.json and the Markdown summary (--score-summary, $GITHUB_STEP_SUMMARY):
what a CI job and a reviewer read after the gate ran."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from score_contract.judging.figures import latency_ms, percentile
from score_contract.reporting import markdown
from score_contract.reporting.records import build, check_record, schema


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--score", "good/score.py", "--score", "nan_output/score.py", *args)


def test_the_report_validates_against_its_schema_and_holds_each_check(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("good")
    copy_script("nan_output")
    _run(pytester, "--score-report", "report.json", "--hypothesis-seed=7")
    report = json.loads((pytester.path / "report.json").read_text())
    jsonschema.validate(report, schema())
    assert report["seed"] == 7
    assert report["versions"]["azureml_inference_server_http"]
    good, nan = report["scripts"]
    assert (good["script"], good["verdict"]) == ("good/score.py", "passed")
    assert all(c["outcome"] == "passed" and not c["reproduce"] for c in good["checks"])
    assert good["latency_ms"]["count"] >= 1
    assert good["latency_ms"]["p50"] <= good["latency_ms"]["p99"] <= good["latency_ms"]["max"]
    memory = good["memory_mb"]
    assert 0 < memory["after_init"] <= memory["peak"] and 0 < memory["end"] <= memory["peak"]
    assert nan["verdict"] == "failed"
    failed = [c for c in nan["checks"] if c["outcome"] == "failed"]
    assert [c["name"] for c in failed] == ["output_is_strict_json"]
    assert failed[0]["headline"].startswith("the response body is not strict JSON")
    assert failed[0]["smallest_body"]
    assert failed[0]["reproduce"].startswith("score-contract replay nan_output/score.py --body ")


def test_the_summary_has_a_row_per_script_then_each_failure_with_its_replay(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("good")
    copy_script("nan_output")
    _run(pytester, "--score-summary", "summary.md")
    text = (pytester.path / "summary.md").read_text()
    lines = text.splitlines()
    assert "| script | verdict | failed checks | p99 | peak memory | coverage |" in lines
    assert any(line.startswith("| `good/score.py` | ✅ passed | — | ") for line in lines)
    assert any(line.startswith("| `nan_output/score.py` | ❌ failed | output_is_strict_json | ") for line in lines)
    section = text.split("### `nan_output/score.py::output_is_strict_json`", 1)[1]
    assert "the response body is not strict JSON" in section
    assert "```sh\nscore-contract replay nan_output/score.py --body " in section


def test_the_summary_is_appended_to_the_github_step_summary(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_script("good")
    step = pytester.path / "step.md"
    step.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    pytester.runpytest("--score", "good/score.py")
    text = step.read_text()
    assert text.startswith("earlier step\n## score-contract\n")
    assert "| `good/score.py` | ✅ passed |" in text


def test_nothing_is_written_when_no_report_is_asked_for(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    copy_script("good")
    pytester.runpytest("--score", "good/score.py")
    assert not [p.name for p in pytester.path.iterdir() if p.suffix in (".json", ".md")]


def test_the_report_file_comes_from_the_ini_file_too(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("good")
    pytester.makeini("[pytest]\nscore_report = out/report.json\n")
    (pytester.path / "out").mkdir()
    pytester.runpytest("--score", "good/score.py")
    jsonschema.validate(json.loads((pytester.path / "out/report.json").read_text()), schema())


@pytest.mark.parametrize(
    ("value", "problem"),
    [("missing/report.json", "the folder"), (".", "is a folder; give the report file's name.")],
)
def test_a_report_path_that_cannot_be_written_is_one_sentence(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], value: str, problem: str
) -> None:
    copy_script("good")
    result = pytester.runpytest("--score", "good/score.py", "--score-report", value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: {value}: " in result.stderr.str()
    assert problem in result.stderr.str()
    assert "Traceback" not in result.stderr.str()


def test_percentiles_are_nearest_rank_values_that_a_call_took() -> None:
    times = [float(n) for n in range(1, 101)]
    assert (percentile(times, 0.5), percentile(times, 0.95), percentile(times, 0.99)) == (50.0, 95.0, 99.0)
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([1.0, 10.0], 0.5) == 1.0
    assert latency_ms(()) is None


def test_rss_is_measured_with_the_stdlib_as_proc_reports_it() -> None:
    from score_contract.isolation import rss

    assert 0 < rss.current_mb() <= rss.peak_mb()


def test_a_handmade_report_validates_and_its_summary_escapes_table_cells() -> None:
    failed = check_record("run_accepts_valid_input", "run() returns.", "failed", headline="a | b", reproduce="x")
    figures = {
        "kind": "online",
        "timings": {"import_s": 0.1, "init_s": None},
        "latency_ms": None,
        "memory_mb": None,
        "coverage": {
            "percent": 87.5,
            "branches": True,
            "lines": {"covered": 7, "total": 8},
            "branch_count": {"covered": 0, "total": 0},
            "files": [
                {
                    "file": "score.py",
                    "percent": 87.5,
                    "lines": {"covered": 7, "total": 8},
                    "branches": {"covered": 0, "total": 0},
                    "missing_lines": [12],
                    "missing_branches": [],
                }
            ],
            "never_reached": "score.py:12",
            "hint": "add a sample that reaches score.py:12",
        },
        "sent": {"sample": 1},
    }
    report = build({"a|b/score.py": figures}, {"a|b/score.py": [failed]}, seed=None)
    jsonschema.validate(report, schema())
    text = markdown.render(report)
    assert "| `a\\|b/score.py` | ❌ failed | run_accepts_valid_input | — | — | 88% |" in text
    assert "\na \\| b\n" in text
