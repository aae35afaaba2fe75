"""Batch scoring scripts: recognised as such, called as the batch runtime's driver
calls them, judged by their own checks.

The broken scripts under tests/batch each fail exactly the checks named for them;
the correct examples (examples/batch-files, examples/batch-tabular) pass every one;
an online script is never given batch checks, nor a batch script online ones.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy
import pandas
import pytest

from score_contract.batch import checks, runtime
from score_contract.batch.checks import BATCH_CHECKS
from score_contract.batch.observations import BatchCall, MiniBatch
from score_contract.judging.checks import CHECKS
from score_contract.planning import recognise
from tests.conftest import REPO, Outcomes, run_contract_session
from tests.shared import Once
from tests.test_contract_matrix import failure_section

BATCH = REPO / "tests" / "batch"
BATCH_NAMES = {check.name for check in BATCH_CHECKS}
ONLINE_NAMES = {check.name for check in CHECKS}

#: script -> the checks it fails.
BROKEN: dict[str, set[str]] = {
    "broken-batch-last-file-only": {"run_accounts_for_every_input"},
    "broken-batch-generator": {"run_returns_a_list_or_dataframe"},
    "broken-batch-writes-input": {"run_writes_only_to_the_output_folder"},
    "parse_args": {"init_succeeds"},
    "empty_sample_crash": {"run_handles_every_mini_batch"},
    "state_between_batches": {"mini_batches_are_repeatable"},
    "init_in_run": {"init_runs_once"},
    "no_samples": {"run_handles_every_mini_batch"},
    "last_file_rows_only": {"run_accounts_for_every_input"},
    "three_parameters": {"run_takes_a_mini_batch"},
}
#: Correct, though they break on something score-contract made up: warnings, not failures.
CORRECT = ("dict_elements", "empty_file_crash", "partition_per_folder")


@pytest.fixture(scope="module")
def batch(once: Once[Outcomes]) -> Outcomes:
    scripts = [path(name) for name in (*BROKEN, *CORRECT)]
    scripts += ["examples/batch-files/score.py", "examples/numpy-schema/score.py"]
    args = [arg for script in scripts for arg in ("--score", script)]
    args += ["--score-model-dir", "examples/batch-files/model", "--hypothesis-seed=3", "--score-examples", "20"]
    return once("batch", lambda folder: run_contract_session(args, folder / "junit.xml"))


def path(name: str) -> str:
    """Where a batch script of these tests lives: the broken examples, or tests/batch."""
    return f"examples/{name}/score.py" if name.startswith("broken-batch-") else f"tests/batch/{name}/score.py"


def outcomes_of(outcomes: Outcomes, script: str) -> dict[str, str]:
    return {name: outcome for (s, name), (outcome, _) in outcomes.outcomes.items() if s == script}


@pytest.mark.parametrize("script", sorted(BROKEN))
def test_each_broken_batch_script_fails_exactly_its_checks(batch: Outcomes, script: str) -> None:
    mine = outcomes_of(batch, script)
    assert set(mine) == BATCH_NAMES, batch.output[-3000:]
    assert {name for name, outcome in mine.items() if outcome == "failure"} == BROKEN[script], batch.output[-4000:]


@pytest.mark.parametrize("script", ["dict_elements", "batch-files", "empty_file_crash"])
def test_correct_batch_scripts_pass_every_check(batch: Outcomes, script: str) -> None:
    assert outcomes_of(batch, script) == dict.fromkeys(BATCH_NAMES, "passed"), batch.output[-3000:]


def test_a_run_that_takes_a_mini_batch_context_is_given_one(batch: Outcomes) -> None:
    mine = outcomes_of(batch, "partition_per_folder")
    assert "failure" not in mine.values() and mine["run_takes_a_mini_batch"] == "passed", batch.output[-3000:]
    # Its partition_key_value["user"] is a key no one could know offline: a warning that says so.
    assert re.search(
        r"found only through the mini_batch_context's partition_key_value\['user'\], which score-contract made up:"
        r" run\(\) raised KeyError: 'user'",
        batch.output,
    ), batch.output[-3000:]
    assert "score-contract knows no partition_keys of this job" in batch.output


def test_an_online_script_in_the_same_session_gets_the_online_checks(batch: Outcomes) -> None:
    assert set(outcomes_of(batch, "numpy-schema")) == ONLINE_NAMES
    assert set(outcomes_of(batch, "numpy-schema").values()) == {"passed"}


def section(outcomes: Outcomes, script: str, check: str) -> str:
    return failure_section(outcomes.output, f"{path(script)}::{check}")


def test_a_loop_that_keeps_only_the_last_file_names_the_files_dropped(batch: Outcomes) -> None:
    text = section(batch, "broken-batch-last-file-only", "run_accounts_for_every_input")
    assert re.match(r"run\(\) returned 1 element for \d+ input files: \d+ counted as failed", text), text
    # The files come in the order the folder lists them, as the runtime passes them: which
    # one is last (and kept) depends on the file system.
    named = re.search(r"no output line names (.*)", text)
    assert named is not None and len(named.group(1).split(", ")) == 3, text
    assert "what append_row would write to predictions.csv:" in text


def test_the_reproduce_line_replays_the_mini_batch(batch: Outcomes) -> None:
    text = section(batch, "broken-batch-last-file-only", "run_accounts_for_every_input")
    command = re.search(r"reproduce: (.*)", text)
    assert command is not None
    words = shlex.split(command.group(1))
    assert words[:4] == ["score-contract", "replay", "--batch", "--model-dir"]
    done = subprocess.run(
        [sys.executable, "-m", "score_contract_cli", *words[1:]], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "append_row would write to predictions.csv:" in done.stdout
    assert re.search(r"run\(\) returned 1 element for \d+ input files", done.stdout)


def test_a_generator_is_refused_as_the_runtime_refuses_it(batch: Outcomes) -> None:
    text = section(batch, "broken-batch-generator", "run_returns_a_list_or_dataframe")
    assert text.startswith("run() returned a generator: the batch runtime takes only a list or a pandas DataFrame")
    assert "EntryScriptRunReturnWrongType" in text


def test_a_file_written_into_the_input_folder_is_named(batch: Outcomes) -> None:
    text = section(batch, "broken-batch-writes-input", "run_writes_only_to_the_output_folder")
    assert re.search(r"customers-0\d\.csv\.predictions\.csv in the input folder", text), text
    assert "AZUREML_BI_OUTPUT_PATH" in text
    # The user's samples are untouched: the mini-batches were copies.
    assert not list((REPO / "examples" / "broken-batch-writes-input" / "samples").glob("*.predictions.csv"))


def test_parse_args_meets_the_drivers_own_arguments_and_the_hint_says_parse_known_args(batch: Outcomes) -> None:
    text = section(batch, "parse_args", "init_succeeds")
    assert text.startswith("init() raised SystemExit: 2")
    assert "parse_known_args()" in text and "allow_abbrev=False" in text


def test_an_empty_sample_fails_its_whole_mini_batch(batch: Outcomes) -> None:
    text = section(batch, "empty_sample_crash", "run_handles_every_mini_batch")
    assert text.startswith("run() raised pandas.errors.EmptyDataError")
    assert "smallest failing mini-batch (customers-04.csv alone): [customers-04.csv]" in text
    assert "The whole mini-batch fails (customers-04.csv): its only item counts as failed after 3 retries" in text


def test_an_empty_file_only_the_gate_made_is_a_warning_naming_it(batch: Outcomes) -> None:
    assert (
        "found only on empty.csv, an empty file score-contract made, not on your samples: run() raised"
        " pandas.errors.EmptyDataError" in batch.output
    ), batch.output[-3000:]
    assert "A sample of this shape among yours makes it a failure." in batch.output


def test_results_that_do_not_add_up_to_the_files_run_alone_are_lost_rows(batch: Outcomes) -> None:
    text = section(batch, "last_file_rows_only", "run_accounts_for_every_input")
    assert text.startswith("run() returned 3 elements for 3 input files, but 9 for the same files each run alone:")
    assert "Each file alone gave 3 + 3 + 3 = 9" in text
    assert "what append_row would write to predictions.csv:" in text


def test_no_samples_fails_and_says_how_to_give_them(batch: Outcomes) -> None:
    text = section(batch, "no_samples", "run_handles_every_mini_batch")
    assert text.startswith("run() was never given a mini-batch")
    assert "samples/ folder beside the script (or give --score-samples PATH)" in text


def test_dicts_in_the_output_are_a_warning_not_a_failure(batch: Outcomes) -> None:
    assert "ScoreContractWarning: run() returned elements that the output file holds as Python reprs" in batch.output
    assert re.search(r"a dict written as its Python repr: \{'file': 'customers-0\d\.csv'", batch.output)


def test_the_summary_names_each_batch_script_and_what_it_was_given(batch: Outcomes) -> None:
    assert re.search(
        r"^examples/batch-files/score.py, a batch script \(run\(mini_batch\)\): 18 mini-batches, 3 sent again$",
        batch.output,
        re.MULTILINE,
    ), batch.output[-2000:]


def test_the_tabular_example_passes_with_dataframes(tmp_path: Path) -> None:
    result = run_contract_session(
        ["--score", "examples/batch-tabular/score.py", "--score-batch-input", "tabular", "--hypothesis-seed=1"],
        tmp_path / "junit.xml",
    )
    assert outcomes_of(result, "batch-tabular") == dict.fromkeys(BATCH_NAMES, "passed"), result.output[-3000:]
    assert re.search(r"batch-tabular/score.py, a batch script \(run\(mini_batch\)\): \d+ mini-batches", result.output)


def test_asked_online_a_batch_script_is_checked_as_one(tmp_path: Path) -> None:
    result = run_contract_session(
        ["--score", "tests/batch/dict_elements/score.py", "--score-kind", "online"], tmp_path / "junit.xml"
    )
    assert set(outcomes_of(result, "dict_elements")) == ONLINE_NAMES


# -- recognising a batch script ------------------------------------------------------------


@pytest.mark.parametrize("script", sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("examples/*/score.py")))
def test_every_example_is_recognised_as_what_it_is(script: str) -> None:
    expected = "batch" if script.startswith(("examples/batch-", "examples/broken-batch-")) else "online"
    assert recognise.recognise(REPO / script).kind == expected


def test_online_test_scripts_are_never_taken_for_batch() -> None:
    online = [
        *REPO.glob("tests/scripts/*/score.py"),
        *REPO.glob("tests/realworld/*/score.py"),
        *REPO.glob("tests/fuzz/*/score.py"),
    ]
    assert online
    assert [p for p in online if recognise.recognise(p).kind == "batch"] == []
    assert {recognise.recognise(p).kind for p in BATCH.glob("*/score.py")} == {"batch"}


def test_a_script_that_uses_the_batch_runtime_without_a_mini_batch_parameter_says_so(tmp_path: Path) -> None:
    script = tmp_path / "score.py"
    script.write_text(
        "import os\n\ndef init():\n    global out\n    out = os.environ['AZUREML_BI_OUTPUT_PATH']\n\n"
        "def run(input_data):\n    return input_data\n"
    )
    found = recognise.recognise(script)
    assert found.kind == "online"
    assert "AZUREML_BI_OUTPUT_PATH" in found.reason and "--score-kind batch" in found.reason


# -- the runtime's facts, as pure functions -------------------------------------------------


def test_what_run_may_return_is_what_the_driver_takes() -> None:
    assert runtime.returned(["a", "b"]).accepted and runtime.returned(("a",)).count == 1
    assert runtime.returned(pandas.DataFrame({"x": [1, 2]})).count == 2
    for refused in (None, {"a": 1}, (x for x in "ab"), numpy.array([1, 2]), pandas.Series([1])):
        assert not runtime.returned(refused).accepted, refused


def test_append_row_writes_what_the_driver_writes() -> None:
    assert runtime.returned(["a.png: 7", 3]).written == "a.png: 7\n3\n"
    frame = pandas.DataFrame({"file": ["a b.png", "c.png"], "score": [0.5, None]})
    # Space-separated, no header, no index; a field with a space is quoted, a missing value empty.
    assert runtime.returned(frame).written == '"a b.png" 0.5\nc.png \n'
    # The driver's "{}".format is not str(): a numpy float32 shows all its digits.
    assert runtime.returned([numpy.float32(0.1)]).written == "{}\n".format(numpy.float32(0.1))  # noqa: UP032


def test_complex_elements_are_named_as_unreadable() -> None:
    found = runtime.returned([{"a": 1}, "two\nlines", numpy.arange(1001), "plain"]).unreadable
    assert found[0].startswith("a dict written as its Python repr: {'a': 1}")
    assert found[1].startswith("a str that spans 2 lines")
    assert found[2].startswith("a numpy.ndarray of 1001 elements written with '...'")
    assert runtime.returned(["plain", 1, 2.5]).unreadable == ()


def test_a_folder_is_split_as_the_runtime_splits_it() -> None:
    paths = [f"/in/{n}.csv" for n in range(23)]
    batches = runtime.file_batches(paths, 10)
    assert [len(b) for b in batches] == [10, 10, 3]


def test_parse_args_fails_on_the_drivers_argv_and_parse_known_args_does_not(tmp_path: Path) -> None:
    argv = runtime.driver_argv(tmp_path / "score.py", runtime.BatchSettings(), tmp_path / "out", tmp_path / "in")
    parser = argparse.ArgumentParser(allow_abbrev=False)
    parser.add_argument("--model", default="m")
    with pytest.raises(SystemExit):
        parser.parse_args(argv[1:])
    known, _ = parser.parse_known_args(argv[1:])
    assert known.model == "m"
    # The abbreviation trap: --output_path takes the driver's --output unless allow_abbrev=False.
    trap = argparse.ArgumentParser()
    trap.add_argument("--output_path")
    assert trap.parse_known_args(argv[1:])[0].output_path == str(tmp_path / "out")


# -- the checks, on literal calls -------------------------------------------------------------


def call(files: int, **kwargs: object) -> BatchCall:
    mini_batch = MiniBatch(files=tuple(f"/in/f{n}.csv" for n in range(files)))
    return BatchCall(mini_batch, **kwargs)  # type: ignore[arg-type]


def test_fewer_elements_than_inputs_is_reported_with_the_count() -> None:
    violation = checks.run_accounts_for_every_input(call(3, accepted=True, count=1, written="f2.csv: 1\n"))
    assert (
        violation is not None
        and violation.headline == "run() returned 1 element for 3 input files: 2 counted as failed"
    )
    assert "no output line names f0.csv, f1.csv" in violation.details
    assert checks.run_accounts_for_every_input(call(3, accepted=True, count=3)) is None
    # More elements than inputs is fine: one row per CSV row, say.
    assert checks.run_accounts_for_every_input(call(3, accepted=True, count=30)) is None


def test_a_slow_mini_batch_is_an_advisory_against_the_timeout() -> None:
    from score_contract.batch.observations import BatchEvidence

    slow = BatchEvidence(calls=(call(2, accepted=True, count=2, elapsed=20.0),), timeout=30.0)
    violation = checks.mini_batches_finish_in_time(slow)
    assert violation is not None and "more than half of the 30 s mini-batch timeout" in violation.headline
    assert checks.mini_batches_finish_in_time(BatchEvidence(calls=(call(2, accepted=True, elapsed=1.0),))) is None
    assert next(c for c in BATCH_CHECKS if c.judge is checks.mini_batches_finish_in_time).advisory


def test_every_batch_check_has_a_contract_sentence() -> None:
    for check in BATCH_CHECKS:
        assert check.sentence.endswith(".") and len(check.sentence) > 40, check.name


#: Scripts judged with a 1 s mini-batch timeout: what a slow, hanging or dying run() and a
#: run() the driver cannot call fail (and the one that is only slow passes, with a warning).
TIMED: dict[str, set[str]] = {
    "slow_mini_batch": set(),
    "hangs_on_empty_file": {"run_handles_every_mini_batch"},
    "exits_on_header_only": {"run_handles_every_mini_batch"},
}


@pytest.fixture(scope="module")
def timed(once: Once[Outcomes]) -> Outcomes:
    args = [arg for name in TIMED for arg in ("--score", path(name))]
    return once("timed", lambda folder: run_contract_session([*args, "--score-timeout", "1"], folder / "junit.xml"))


@pytest.mark.parametrize("script", sorted(TIMED))
def test_timed_batch_scripts_fail_exactly_their_checks(timed: Outcomes, script: str) -> None:
    mine = outcomes_of(timed, script)
    assert set(mine) == BATCH_NAMES, timed.output[-3000:]
    assert {name for name, outcome in mine.items() if outcome == "failure"} == TIMED[script], timed.output[-4000:]


def test_a_hang_is_a_mini_batch_timeout_with_the_line_it_hung_on(timed: Outcomes) -> None:
    text = section(timed, "hangs_on_empty_file", "run_handles_every_mini_batch")
    assert text.startswith("run() did not return within the 1 s mini-batch timeout")
    assert "time.sleep(0.05)" in text


def test_a_process_that_dies_is_replaced_and_the_mini_batch_named(timed: Outcomes) -> None:
    text = section(timed, "exits_on_header_only", "run_handles_every_mini_batch")
    assert text.startswith("run() ended the worker process: it exited with code 134")
    # Its samples hold a file with only a header (customers-04.csv): a real failure, shown on that file.
    assert "smallest failing mini-batch (customers-04.csv alone): [customers-04.csv]" in text
    # The worker was replaced: the mini-batches after the death were run too.
    assert outcomes_of(timed, "exits_on_header_only")["mini_batches_are_repeatable"] == "passed"


def test_a_slow_mini_batch_is_a_warning_against_the_timeout(timed: Outcomes) -> None:
    assert re.search(r"a mini-batch took 0\.\d+ s, more than half of the 1 s mini-batch timeout", timed.output)


def test_a_run_that_needs_three_arguments_is_refused_as_the_driver_would(batch: Outcomes) -> None:
    text = section(batch, "three_parameters", "run_takes_a_mini_batch")
    assert text.startswith(
        "run(mini_batch, mini_batch_context, threshold) cannot be called as run(mini_batch) nor as"
        " run(mini_batch, mini_batch_context)"
    )


# -- what the job does with a mini-batch's outcome (output_action, error_threshold) ---------------------------------


def rules(action: str = "append_row", threshold: int = -1) -> runtime.JobRules:
    return runtime.JobRules(action, "predictions.csv", error_threshold=threshold)


def test_summary_only_with_no_error_threshold_ignores_what_run_returns() -> None:
    # A parallel job that ignores the mini-batches' returns (azureml-examples' 1a, run() returns []).
    assert checks.run_accounts_for_every_input(call(3, accepted=True, count=0, rules=rules("summary_only"))) is None


def test_summary_only_with_an_error_threshold_counts_missing_elements_as_failed_items() -> None:
    violation = checks.run_accounts_for_every_input(call(3, accepted=True, count=0, rules=rules("summary_only", 5)))
    assert (
        violation is not None
        and violation.headline == "run() returned no elements for 3 input files: 3 counted as failed"
    )
    assert (
        "the job fails once more than 5 items have failed in all (error_threshold 5); 3 items fail" in violation.details
    )
    assert "append_row" not in violation.details


def test_append_row_with_no_error_threshold_still_loses_the_missing_lines() -> None:
    violation = checks.run_accounts_for_every_input(
        call(2, accepted=True, count=1, written="f1.csv: 1\n", rules=rules())
    )
    assert violation is not None
    assert (
        "error_threshold -1 ignores failed items: the job succeeds, and predictions.csv silently lacks"
        in violation.details
    )
    assert "what append_row would write to predictions.csv:" in violation.details


def test_a_mini_batch_returns_at_least_what_its_files_return_alone() -> None:
    lost = call(2, accepted=True, count=3, alone=(3, 3), rules=rules())
    violation = checks.run_accounts_for_every_input(lost)
    assert violation is not None
    assert (
        violation.headline
        == "run() returned 3 elements for 2 input files, but 6 for the same files each run alone: 3 missing"
    )
    assert checks.run_accounts_for_every_input(call(2, accepted=True, count=6, alone=(3, 3), rules=rules())) is None
    # summary_only writes nothing: only the count against the inputs matters.
    assert (
        checks.run_accounts_for_every_input(call(2, accepted=True, count=3, alone=(3, 3), rules=rules("summary_only")))
        is None
    )


def test_alone_counts_are_given_to_the_mini_batches_of_those_files() -> None:
    from score_contract.batch.runner import with_alone_counts

    def returned(files: tuple[str, ...], count: int) -> BatchCall:
        return BatchCall(MiniBatch(files=files), accepted=True, count=count)

    calls = with_alone_counts(
        [returned(("/a", "/b"), 3), returned(("/a",), 3), returned(("/b",), 2), returned(("/a", "/c"), 5)]
    )
    assert [c.alone for c in calls] == [(3, 2), (), (), ()]


def test_summary_only_writes_no_output_file_to_be_unreadable() -> None:
    unreadable = {"unreadable": ("a dict written as its Python repr: {}",)}
    assert checks.output_rows_are_readable(call(1, accepted=True, count=1, **unreadable, rules=rules())) is not None
    assert (
        checks.output_rows_are_readable(call(1, accepted=True, count=1, **unreadable, rules=rules("summary_only")))
        is None
    )


def test_a_failed_mini_batch_of_one_item_says_so_in_words() -> None:
    from score_contract.core.observations import ScriptError

    violation = checks.run_handles_every_mini_batch(call(1, error=ScriptError("ValueError", "ValueError: x", "")))
    assert violation is not None
    assert "its only item counts as failed after 3 retries (retry_settings.max_retries)" in violation.details
    one_row = MiniBatch(table=pandas.DataFrame({"x": [1]}))
    assert one_row.describe() == "a DataFrame of 1 row (x)"


# -- mini_batch_context -------------------------------------------------------------------------------------------


def test_the_driver_passes_a_context_to_a_run_that_names_a_second_parameter() -> None:
    from score_contract.batch.context import passes_context

    def one(mini_batch: object) -> None: ...
    def two(mini_batch: object, mini_batch_context: object) -> None: ...
    def optional(mini_batch: object, mini_batch_context: object = None) -> None: ...
    def star(mini_batch: object, *args: object) -> None: ...

    assert [passes_context(f) for f in (one, two, optional, star)] == [False, True, True, False]


def test_the_context_has_the_documented_attributes_and_reads_keys_from_the_mini_batch() -> None:
    from score_contract.batch.context import MiniBatchContext

    frame = pandas.DataFrame({"Store": [1000, 1000], "Brand": ["tropicana", "tropicana"], "Quantity": [3, 4]})
    context = MiniBatchContext(4, frame)
    assert context.minibatch_index == 4 and context.dataset is None
    assert context.partition_key_value["Store"] == 1000 and type(context.partition_key_value["Store"]) is int
    assert dict(context.partition_key_value) == {"Store": 1000}
    assert context.partition_key_value.get("user") is None
    with pytest.raises(KeyError):
        context.partition_key_value["user"]
    # What the script read that no one could know offline, for the warning.
    assert context.guessed == ["dataset", "partition_key_value['user']", "partition_key_value['user']"]
    assert MiniBatchContext(0).partition_key_value == {}


# -- what score-contract makes up ---------------------------------------------------------------------------------


def test_edge_files_are_made_up_unless_a_sample_has_their_shape(tmp_path: Path) -> None:
    from score_contract.batch.minibatches import edge_files

    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "a.csv").write_text("x,y\n1,2\n3,4\n")
    made = {m.source: m.made_up for m in edge_files([samples / "a.csv"], tmp_path / "edges")}
    assert all(made.values()), made
    (samples / "b.csv").write_text("x,y\n")
    made = {m.source: m.made_up for m in edge_files([samples / "a.csv", samples / "b.csv"], tmp_path / "edges")}
    assert made["a.csv cut to its header row"] == "" and made["an empty .csv file"].startswith("empty.csv, an empty")


# -- how a failure reads ------------------------------------------------------------------------------------------


def test_a_short_traceback_keeps_the_smallest_failing_mini_batch() -> None:
    from score_contract.pipeline.failures import short_form

    text = "run() raised X\n  contract: c\n  smallest failing mini-batch (a alone): [a.csv]\n  details\n  reproduce: r"
    assert short_form(text).splitlines() == [
        "run() raised X",
        "  smallest failing mini-batch (a alone): [a.csv]",
        "  reproduce: r",
    ]


@pytest.fixture(scope="module")
def one_row(once: Once[tuple[Outcomes, Path]]) -> tuple[Outcomes, Path]:
    """A tabular script that breaks on a mini-batch of one row, with its JSON report."""

    def make(folder: Path) -> tuple[Outcomes, Path]:
        report = folder / "report.json"
        args = ["--score", path("one_row_frame"), "--score-batch-input", "tabular", f"--score-report={report}"]
        return run_contract_session(args, folder / "junit.xml"), report

    return once("one_row", make)


def test_a_tabular_failure_replays_exactly_its_rows(one_row: tuple[Outcomes, Path]) -> None:
    outcomes, _ = one_row
    text = section(outcomes, "one_row_frame", "run_handles_every_mini_batch")
    assert "smallest failing mini-batch (the first row of iris.csv): a DataFrame of 1 row" in text, text
    command = re.search(r"reproduce: (.*)", text)
    assert command is not None
    words = shlex.split(command.group(1))
    rows = Path(words[-1])
    assert rows.name.startswith("mini-batch-") and len(pandas.read_csv(rows)) == 1
    done = subprocess.run(
        [sys.executable, "-m", "score_contract_cli", *words[1:]], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "run() raised AttributeError: 'Series' object has no attribute 'itertuples'" in done.stdout


def test_the_report_calls_a_failing_mini_batch_a_mini_batch(one_row: tuple[Outcomes, Path]) -> None:
    import json

    _, report = one_row
    (script,) = json.loads(report.read_text())["scripts"]
    failed = next(c for c in script["checks"] if c["name"] == "run_handles_every_mini_batch")
    assert failed["body_label"] == "smallest failing mini-batch"
    assert failed["smallest_body"].startswith("a DataFrame of 1 row")
