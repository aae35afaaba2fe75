"""Many scripts under pytest-xdist (issue 8, part 4): each script's checks stay on one xdist worker, which
starts one worker process (and one official server) for it, and the controller shows what a serial run shows.

Subprocess runs: xdist's workers are processes of their own, as in CI.
"""

from __future__ import annotations

import json
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


#: A script that leaves the process id of every process that imports it: our worker, the server's worker.
COUNTED = """\
import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "imports.log"), "a") as log:
    log.write(f"{os.getpid()}\\n")


def init():
    pass


def run(raw_data):
    return {"length": len(raw_data)}
"""


def _counted_scripts(pytester: pytest.Pytester, names: str) -> list[str]:
    args = []
    for name in names:
        (pytester.path / name / "samples").mkdir(parents=True)
        (pytester.path / name / "score.py").write_text(COUNTED)
        (pytester.path / name / "samples" / "one.json").write_text('{"x": 1}')
        args += ["--score", f"{name}/score.py"]
    return args


def _imports(pytester: pytest.Pytester, name: str) -> list[str]:
    return (pytester.path / name / "imports.log").read_text().split()


def test_each_script_runs_on_one_xdist_worker_which_alone_starts_its_worker_process(
    pytester: pytest.Pytester,
) -> None:
    result = _xdist(pytester, "-v", *_counted_scripts(pytester, "abcd"))
    assert result.ret == pytest.ExitCode.OK
    workers: dict[str, set[str]] = {}
    for worker, _, node in XDIST_LINE.findall(result.stdout.str()):
        workers.setdefault(node.split("::")[0], set()).add(worker)
    assert sorted(workers) == ["a/score.py", "b/score.py", "c/score.py", "d/score.py"]
    assert all(len(found) == 1 for found in workers.values()), workers
    assert set.union(*workers.values()) == {"gw0", "gw1"}  # and both xdist workers had work
    # One import each: no xdist worker started a worker process for a script it did not run.
    assert all(len(_imports(pytester, name)) == 1 for name in "abcd")


def test_under_xdist_the_controller_prints_the_bodies_each_script_was_sent(pytester: pytest.Pytester) -> None:
    result = _xdist(pytester, *_counted_scripts(pytester, "ab"))
    summary = result.stdout.str().split("score-contract: bodies sent", 1)[1]
    assert re.search(r"^a/score\.py: 1 sample, \d+ variations of the samples, \d+ invalid", summary, re.MULTILINE)
    assert re.search(r"^b/score\.py: 1 sample, ", summary, re.MULTILINE)


def test_under_xdist_each_script_gets_one_official_server(pytester: pytest.Pytester) -> None:
    result = _xdist(pytester, "--score-server", *_counted_scripts(pytester, "abc"))
    assert result.ret == pytest.ExitCode.OK
    for name in "abc":
        # Our worker process and the server's one worker: two imports, by two processes.
        assert len(set(_imports(pytester, name))) == 2


def test_an_explicit_dist_loadfile_keeps_a_script_on_one_xdist_worker_too(pytester: pytest.Pytester) -> None:
    result = _xdist(pytester, "-v", "--dist", "loadfile", *_counted_scripts(pytester, "abc"))
    assert result.ret == pytest.ExitCode.OK
    workers: dict[str, set[str]] = {}
    for worker, _, node in XDIST_LINE.findall(result.stdout.str()):
        workers.setdefault(node.split("::")[0], set()).add(worker)
    assert len(workers) == 3 and all(len(found) == 1 for found in workers.values()), workers
    assert all(len(_imports(pytester, name)) == 1 for name in "abc")


def test_the_users_own_tests_are_still_spread_one_by_one(pytester: pytest.Pytester) -> None:
    # Under loadfile they would be one unit of work, on one xdist worker. Each takes long enough that the
    # xdist worker holding the script is done with it before the other has run them all.
    tests = "".join(f"def test_{n}():\n    time.sleep(0.5)\n\n\n" for n in range(8))
    pytester.makepyfile(test_own="import time\n\n\n" + tests)
    result = _xdist(pytester, "-v", "test_own.py", *_counted_scripts(pytester, "a"), "--score-examples", "0")
    assert result.ret == pytest.ExitCode.OK
    workers = {worker for worker, _, node in XDIST_LINE.findall(result.stdout.str()) if node.startswith("test_own")}
    assert workers == {"gw0", "gw1"}


#: A script that logs when it was imported and when its init() ended, to the folder above its own.
TIMED = """\
import os
import time

_LOG = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "events.log")
_NAME = os.path.basename(os.path.dirname(os.path.abspath(__file__)))


def _log(event):
    with open(_LOG, "a") as log:
        log.write(f"{time.time()} {_NAME} {event}\\n")


_log("imported")


def init():
    time.sleep(float(os.environ.get("SLOW_INIT_" + _NAME, "0")))
    _log("initialized")


def run(raw_data):
    return {"length": len(raw_data)}
"""


def _timed_scripts(pytester: pytest.Pytester, names: str) -> list[str]:
    pytester.makeini("[pytest]\n")  # pytest's root, and its cache, are this folder
    args = []
    for name in names:
        (pytester.path / name / "samples").mkdir(parents=True)
        (pytester.path / name / "score.py").write_text(TIMED)
        (pytester.path / name / "samples" / "one.json").write_text('{"x": 1}')
        args += ["--score", f"{name}/score.py"]
    return args


def _events(pytester: pytest.Pytester) -> dict[tuple[str, str], float]:
    found = {}
    for line in (pytester.path / "events.log").read_text().splitlines():
        when, name, event = line.split()
        found.setdefault((name, event), float(when))
    return found


def _scripts_by_worker(result: pytest.RunResult) -> dict[str, list[str]]:
    """Each xdist worker's scripts, in the order it ran them."""
    order: dict[str, list[str]] = {}
    for worker, _, node in XDIST_LINE.findall(result.stdout.str()):
        script = node.split("/")[0]
        if script not in order.setdefault(worker, []):
            order[worker].append(script)
    return order


def test_a_run_keeps_each_scripts_duration_and_the_next_hands_out_the_longest_first(pytester: pytest.Pytester) -> None:
    scripts = _timed_scripts(pytester, "abcd")
    serial = pytester.runpytest_subprocess("--score-examples", "5", *scripts)
    assert serial.ret == pytest.ExitCode.OK
    kept = json.loads((pytester.path / ".pytest_cache/v/score_contract/durations").read_text())
    assert sorted(kept) == ["a/score.py", "b/score.py", "c/score.py", "d/score.py"]
    assert all(seconds > 0 for seconds in kept.values())
    # Given a, b, c, d; the cache says d is the longest, then c, b, a: d and c go first, one to each worker.
    durations = {"a/score.py": 1.0, "b/score.py": 2.0, "c/score.py": 3.0, "d/score.py": 4.0}
    (pytester.path / ".pytest_cache/v/score_contract/durations").write_text(json.dumps(durations))
    result = pytester.runpytest_subprocess("-n", "2", "-v", "--score-examples", "5", *scripts)
    assert result.ret == pytest.ExitCode.OK
    order = _scripts_by_worker(result)
    assert sorted(order) == ["gw0", "gw1"], order
    assert {ran[0] for ran in order.values()} == {"c", "d"}, order
    assert {ran[1] for ran in order.values()} == {"a", "b"}, order


def test_an_xdist_worker_starts_the_next_script_it_was_sent_while_the_current_one_runs(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One xdist worker, two scripts: b is sent with a, and imported while a's init() still sleeps.
    monkeypatch.setenv("SLOW_INIT_a", "3")
    scripts = _timed_scripts(pytester, "ab")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "1", "--score-examples", "5", *scripts)
    assert result.ret == pytest.ExitCode.OK
    events = _events(pytester)
    assert events[("b", "imported")] < events[("a", "initialized")]
    assert events[("a", "initialized")] < events[("b", "initialized")]  # init() itself waits for its checks


def test_every_xdist_worker_searches_with_the_seed_the_header_shows(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    copy_script("branch_by_input")
    copy_script("good")
    result = _xdist(
        pytester, "--score", "good/score.py", "--score", "branch_by_input/score.py", "--score-cov-fail-under", "100"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    text = result.stdout.str()
    shown = re.search(r"Hypothesis seed (\d+) \(repeat with --hypothesis-seed=\1\)", text)
    used = re.search(r"reproduce: score-contract check branch_by_input/score\.py .*--seed (\d+)", text)
    assert shown is not None and used is not None, text
    assert used.group(1) == shown.group(1)


def test_under_xdist_an_unsatisfiable_schema_is_one_usage_error_from_the_controller(
    pytester: pytest.Pytester, copy_script: Callable[..., Path]
) -> None:
    # The controller verifies the input once; its workers do not build the same strategies again.
    copy_script("good")
    (pytester.path / "request.json").write_text('{"type": "integer", "minimum": 3, "maximum": 2}')
    (pytester.path / "good" / "samples").rename(pytester.path / "unused-samples")
    result = _xdist(pytester, "--score", "good/score.py", "--score-schema", "request.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    # One line of ours (another plugin may warn too: pytest-benchmark does whenever xdist is on).
    ours = [line for line in result.stderr.lines if line.strip() and "Warning" not in line and not line.startswith(" ")]
    assert ours == ["ERROR: request.json: no request body can satisfy this schema."], result.stderr.str()
    assert "gw0" not in result.stdout.str() + result.stderr.str()
