"""Many scripts under pytest-xdist (issue 8, part 4): each script's checks stay on one xdist worker, which
starts one worker process (and one official server) for it, and the controller shows what a serial run shows.

Subprocess runs: xdist's workers are processes of their own, as in CI.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

#: A verbose xdist line: "[gw1] [ 50%] PASSED good/score.py::init_succeeds".
XDIST_LINE = re.compile(r"^\[(gw\d+)\] (?:\[\s*\d+%\] )?(PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS) (\S+)", re.MULTILINE)


def _xdist(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--score-examples", "10", *args)


def test_the_headline_stays_in_the_short_summary_and_the_junit_message_under_xdist(
    pytester: pytest.Pytester, copy_script: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # On CI pytest prints the whole message in the short summary: it must be the headline alone.
    monkeypatch.setenv("CI", "1")
    copy_script("good")
    copy_script("nan_output")
    result = _xdist(pytester, "--score", "good/score.py", "--score", "nan_output/score.py", "--junitxml=junit.xml")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    headline = "the response body is not strict JSON: NaN at $.mean"
    summary = result.stdout.str().split("short test summary info", 1)[1]
    assert f"FAILED nan_output/score.py::output_is_strict_json - {headline}\n" in summary
    assert "contract:" not in summary  # the failure's other lines stay in its section
    failure = next(ET.parse(pytester.path / "junit.xml").iter("failure"))
    assert failure.get("message") == headline
    assert "reproduce: score-contract replay nan_output/score.py" in (failure.text or "")


def test_tb_line_under_xdist_prints_where_it_failed_then_the_headline_and_the_summary_keeps_the_headline(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("nan_output")
    result = _xdist(pytester, "--score", "nan_output/score.py", "--tb=line", "-rf")
    text = result.stdout.str()
    assert "nan_output/score.py: the response body is not strict JSON" in text
    assert "FAILED nan_output/score.py::output_is_strict_json - the response" in text
