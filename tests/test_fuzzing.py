"""The search finds what samples miss: every kind of defect, caught with default
settings in a real broken script, reported with its smallest body; no correct
script fails; the same seed gives the same verdict twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from score_contract.exploration.sender import MAX_HANGS
from score_contract.judging.checks import CHECKS
from tests.conftest import REPO, Outcomes, run_contract_session
from tests.shared import Once
from tests.test_contract_matrix import EXPECTED as MATRIX_EXPECTED
from tests.test_contract_matrix import failure_section

FUZZ = REPO / "tests" / "fuzz"
SEED = "20261125"

#: script -> (the one check it breaks, text its smallest failing body must show)
BROKEN: dict[str, tuple[str, str]] = {
    "empty_batch": ("run_accepts_valid_input", '{"data": []}'),
    "single_row": ("run_accepts_valid_input", '{"data": [[0'),
    "largest_batch": ("run_accepts_valid_input", '{"data": [{"amount": 0}, '),
    "optional_key": ("run_accepts_valid_input", '{"scores": []}'),
    "new_enum_value": ("run_accepts_valid_input", '"plan": "premium"'),
    "negative_number": ("run_accepts_valid_input", '"income": 0'),
    "non_ascii": ("run_accepts_valid_input", '{"texts": ["'),
    "pandas_column_dtype": ("run_accepts_valid_input", '"visits": 0'),
    "output_mismatch": ("output_matches_schema", '{"texts": ["'),
    "hangs_on_invalid": ("run_handles_invalid_input", ""),
    # A hang costs a whole timeout: these get their verdict within a few (explore.sender.MAX_HANGS).
    "hangs_on_negative": ("run_accepts_valid_input", '{"amount": -'),
    "hangs_on_big_batch": ("run_accepts_valid_input", '{"data": [[0, 0], [0, 0], [0, 0]]}'),
    "exits_on_invalid": ("run_handles_invalid_input", ""),
    "degraded_after_error": ("answers_are_repeatable", '{"data": []}'),
    "random_answer": ("answers_are_repeatable", '{"data": [1.0, 2.0]}'),
}
CORRECT = ("good_batch", "good_numpy", "good_pandas", "good_texts", "good_volatile")


def run_session(junit: Path, names: tuple[str, ...] = (*BROKEN, *CORRECT)) -> Outcomes:
    args = [arg for name in names for arg in ("--score", f"tests/fuzz/{name}/score.py")]
    # Default search settings; a short timeout only makes hangs quicker to see.
    args += ["--score-timeout", "1", "--score-volatile-keys", "request_id", f"--hypothesis-seed={SEED}"]
    return run_contract_session(args, junit)


@pytest.fixture(scope="module")
def fuzzed(once: Once[Outcomes]) -> Outcomes:
    return once("fuzzed", lambda folder: run_session(folder / "junit.xml"))


@pytest.mark.parametrize("script", sorted(BROKEN))
def test_each_defect_breaks_exactly_its_check(fuzzed: Outcomes, script: str) -> None:
    check, _ = BROKEN[script]
    failed = {name for (s, name), (outcome, _) in fuzzed.outcomes.items() if s == script and outcome == "failure"}
    assert failed == {check}, fuzzed.output[-3000:]


@pytest.mark.parametrize("script", sorted(BROKEN))
def test_the_failure_shows_the_smallest_body_and_a_replay_command(fuzzed: Outcomes, script: str) -> None:
    check, body = BROKEN[script]
    section = failure_section(fuzzed.output, f"tests/fuzz/{script}/score.py::{check}")
    shown = re.search(r"^  smallest failing body \(([^)]*)\): (.*)$", section, re.MULTILINE)
    assert shown is not None, section
    assert body in shown.group(2), section
    assert f"reproduce: score-contract replay tests/fuzz/{script}/score.py" in section


def test_the_smallest_bodies_are_small(fuzzed: Outcomes) -> None:
    sections = {s: failure_section(fuzzed.output, f"tests/fuzz/{s}/score.py::{c}") for s, (c, _) in BROKEN.items()}
    assert '(shrunk from a boundary of the contract): {"data": [' in sections["largest_batch"]
    # 33 rows: the first that overflows the 32-row buffer.
    body = re.search(r"smallest failing body \([^)]*\): (.*)", sections["largest_batch"])
    assert body is not None and "(505 bytes)" in body.group(1)
    assert 'smallest failing body (a boundary of the contract): {"data": [[0, 0, 0]]}' in sections["single_row"]


def test_a_failure_only_at_an_edge_says_which_and_gives_both_remedies(fuzzed: Outcomes) -> None:
    section = failure_section(fuzzed.output, "tests/fuzz/empty_batch/score.py::run_accepts_valid_input")
    assert "found only at an edge of the contract: an empty list at $.data." in section
    assert "Handle it in run(), or reject it with a 4xx (return AMLResponse(message, 400))" in section
    assert '(or --score-schema FILE) with "minItems": 1 at $.data.' in section
    # A failure that is not confined to an edge says nothing of edges.
    section = failure_section(fuzzed.output, "tests/fuzz/random_answer/score.py::answers_are_repeatable")
    assert "edge" not in section


@pytest.mark.parametrize("script", CORRECT)
def test_no_correct_script_fails(fuzzed: Outcomes, script: str) -> None:
    outcomes = {name: outcome for (s, name), (outcome, _) in fuzzed.outcomes.items() if s == script}
    assert outcomes == {check.name: "passed" for check in CHECKS}


#: Run again with the same seed: the scripts whose verdict and smallest body the search finds (hangs and exits are
#: judged on timeouts and deaths, not on what was drawn), and correct ones, whose search finds nothing both times.
AGAIN = (
    "single_row", "largest_batch", "optional_key", "new_enum_value", "negative_number", "non_ascii",
    "pandas_column_dtype", "random_answer", "good_pandas", "good_volatile",
)  # fmt: skip


def test_the_same_seed_gives_the_same_verdict_twice(fuzzed: Outcomes, tmp_path: Path) -> None:
    again = run_session(tmp_path / "again.xml", AGAIN)
    first = {key: value for key, value in fuzzed.outcomes.items() if key[0] in AGAIN}
    assert {k: v[0] for k, v in again.outcomes.items()} == {k: v[0] for k, v in first.items()}
    # The headlines (smallest bodies included) too, but where the script itself is random.
    random = ("random_answer", "answers_are_repeatable")
    assert {k: v for k, v in again.outcomes.items() if k != random} == {k: v for k, v in first.items() if k != random}


def test_a_script_that_hangs_on_most_bodies_stops_being_sent_bodies(fuzzed: Outcomes) -> None:
    hung = re.search(r"hangs_on_big_batch/score.py:\d+: ScoreContractWarning: run\(\) hung (\d+) times", fuzzed.output)
    assert hung is not None and int(hung.group(1)) <= MAX_HANGS, fuzzed.output[-3000:]


def test_the_seed_is_in_the_report_header(fuzzed: Outcomes) -> None:
    assert f"Hypothesis seed {SEED} (repeat with --hypothesis-seed={SEED})" in fuzzed.output


def test_every_check_has_a_correct_script_that_passes_it_and_a_broken_one_that_fails_it(
    fuzzed: Outcomes, matrix: Outcomes, realworld: Outcomes
) -> None:
    for check in CHECKS:
        seen = {outcome for (_, name), (outcome, _) in fuzzed.outcomes.items() if name == check.name}
        seen |= {outcome for (_, name), (outcome, _) in realworld.outcomes.items() if name == check.name}
        seen |= {matrix.outcomes[(script, check.name)][0] for script in MATRIX_EXPECTED}
        assert "passed" in seen, check.name
        if not check.advisory:
            assert "failure" in seen, check.name
