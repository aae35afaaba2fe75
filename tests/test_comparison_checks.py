"""The comparison's pure parts on literal answers: the tolerance, two answers compared, the shape an answer lost, and
each comparison check on a literal observation — correct changes that pass beside breaking ones that fail."""

from __future__ import annotations

import json

import pytest

from score_contract.comparison.answers import compare_answers, shape_breaks
from score_contract.comparison.checks import (
    COMPARISON_CHECKS,
    Compared,
    answers_match_production,
    answers_match_the_baseline,
    contract_is_backward_compatible,
)
from score_contract.core.observations import Body, Call, HttpResponse, ScriptError
from score_contract.core.tolerance import Bounds, Tolerance, parse_tolerance
from score_contract.errors import UsageError

JSON = (("Content-Type", "application/json"),)
BODY = Body.from_json({"data": [{"tenure_months": 30, "monthly_charges": 72.5, "support_calls": 3}]})
TIGHT = Tolerance()


def dumped(value: object) -> bytes:
    return json.dumps(value).encode()


def answered(value: object, status: int = 200) -> Call:
    return Call(BODY, HttpResponse(status, JSON, dumped(value)))


def compared(old: object, new: object, **found: object) -> Compared:
    before, after = answered(old), answered(new)
    answers = compare_answers(dumped(old), dumped(new), TIGHT)
    return Compared(BODY, after, before, answers=answers, named="v1/score.py", **found)  # type: ignore[arg-type]


# -- the tolerance --------------------------------------------------------------------------------------------------


def test_the_default_tolerance_lets_float_noise_through_and_not_a_changed_digit() -> None:
    assert TIGHT.within(("p",), 0.1 + 0.2, 0.3)
    assert not TIGHT.within(("p",), 0.57191106, 0.57191107)


def test_a_tolerance_per_path_overrides_the_default_under_that_path_with_indices_crossed() -> None:
    tolerance = parse_tolerance("rel=1e-6, $.probabilities abs=1e-3, items[0].score rel=0.1")
    assert tolerance.default == Bounds(1e-6, 1e-12)
    # What a path leaves out comes from the default.
    assert tolerance.at(("probabilities",)) == Bounds(1e-6, 1e-3)
    assert tolerance.at(("items", "score")) == Bounds(0.1, 1e-12)
    assert tolerance.within(("probabilities",), 0.5, 0.5009)
    assert not tolerance.within(("other",), 0.5, 0.5009)
    assert (
        str(tolerance) == "rel=1e-06 abs=1e-12, $.probabilities rel=1e-06 abs=0.001, items[0].score rel=0.1 abs=1e-12"
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("1e-6", "say which bound 1e-6 is: rel=1e-6 (relative) or abs=1e-6 (absolute)"),
        ("rel=x", "rel=x: not a number"),
        ("rel=-1", "a tolerance is a finite number, 0 or more"),
        ("$.p", "$.p has no bound"),
        ("rel=1, abs=2", "write both bounds in one item: 'rel=X abs=Y'"),
        ("tol=3", "'tol=3' is not rel=X or abs=X"),
    ],
)
def test_a_mistaken_tolerance_is_a_usage_error_that_says_how_to_write_it(text: str, said: str) -> None:
    with pytest.raises(UsageError, match="^--score-tolerance") as raised:
        parse_tolerance(text, f"--score-tolerance {text}")
    assert said in str(raised.value)


# -- two answers compared -------------------------------------------------------------------------------------------


def test_identical_answers_are_identical() -> None:
    answers = compare_answers(dumped({"p": [0.5], "label": 1}), dumped({"label": 1, "p": [0.5]}), TIGHT)
    assert answers.identical


def test_float_noise_is_within_the_tolerance_and_measured() -> None:
    answers = compare_answers(dumped({"p": [0.30000000000000004]}), dumped({"p": [0.3]}), TIGHT)
    assert not answers.different and not answers.identical
    (noise,) = answers.within
    assert noise.difference.path == "$.p[0]" and noise.absolute == pytest.approx(5.55e-17, rel=0.01)


def test_a_changed_class_index_is_a_flip_and_an_integer_that_became_a_float_a_difference() -> None:
    answers = compare_answers(dumped({"predictions": [1, 0], "n": 2}), dumped({"predictions": [0, 0], "n": 2.0}), TIGHT)
    assert [str(d) for d in answers.different] == ["$.predictions[0]: 1 → 0", "$.n: 2 → 2.0"]
    assert [d.path for d in answers.flips] == ["$.predictions[0]"]
    labels = compare_answers(dumped({"decision": "approved"}), dumped({"decision": "declined"}), TIGHT)
    assert [d.path for d in labels.flips] == ["$.decision"]


def test_accepted_paths_and_values_that_change_by_themselves_are_not_differences() -> None:
    old = {"model_version": "1.0", "scored_at": "2025-01-15T10:00:00Z", "meta": {"temperature": 0.1}, "p": 0.2}
    new = {"model_version": "2.0", "scored_at": "2025-01-15T10:00:03Z", "meta": {"temperature": 0.3}, "p": 0.2}
    answers = compare_answers(dumped(old), dumped(new), TIGHT, accepted=("$.model_version", "meta"))
    assert not answers.different
    assert sorted(d.path for d in answers.accepted) == ["$.meta.temperature", "$.model_version"]


# -- the shape of an answer -----------------------------------------------------------------------------------------


def test_a_renamed_key_is_a_removed_one_and_a_new_key_is_fine() -> None:
    old = dumped({"predictions": [1], "probabilities": [0.9]})
    assert shape_breaks(old, dumped({"predictions": [1], "churn_probabilities": [0.9]})) == ("$.probabilities removed",)
    assert shape_breaks(old, dumped({"predictions": [1], "probabilities": [0.9], "model": "v2"})) == ()


def test_a_changed_type_breaks_the_shape_but_null_and_an_empty_list_do_not() -> None:
    old = dumped({"label": 1, "reason": "low tenure", "items": [{"id": 1}]})
    assert shape_breaks(old, dumped({"label": "churn", "reason": "low tenure", "items": [{"id": 1}]})) == (
        "$.label: number → string",
    )
    assert shape_breaks(old, dumped({"label": 1, "reason": None, "items": []})) == ()


# -- the checks -----------------------------------------------------------------------------------------------------


def test_every_comparison_check_has_a_contract_sentence() -> None:
    for check in COMPARISON_CHECKS:
        assert check.sentence.endswith(".") and len(check.sentence) > 80, check.name


def test_answers_match_the_baseline_passes_float_noise_and_fails_a_flipped_class() -> None:
    assert (
        answers_match_the_baseline(compared({"predictions": [1], "p": [0.1 + 0.2]}, {"predictions": [1], "p": [0.3]}))
        is None
    )
    violation = answers_match_the_baseline(
        compared({"predictions": [1], "p": [0.57]}, {"predictions": [0], "p": [0.57]})
    )
    assert violation is not None
    assert (
        violation.headline
        == "the answer differs from the baseline's: $.predictions[0]: 1 → 0 (a label or class flipped)"
    )
    assert 'the baseline (v1/score.py) answered: HTTP 200 {"predictions": [1], "p": [0.57]}' in violation.details
    assert 'this version answered: HTTP 200 {"predictions": [0], "p": [0.57]}' in violation.details
    assert "--score-accept-changes '$.predictions'" in violation.details
    assert violation.body == BODY and violation.label == "smallest differing body"


def test_answers_match_production_judges_production_recorded_answer() -> None:
    recorded = HttpResponse(200, JSON, dumped({"predictions": [1]}))
    same = Compared(
        BODY,
        answered({"predictions": [1]}),
        None,
        recorded,
        "production",
        "",
        compare_answers(recorded.body, dumped({"predictions": [1]}), TIGHT),
    )
    assert answers_match_production(same) is None
    changed = compare_answers(recorded.body, dumped({"predictions": [0]}), TIGHT)
    violation = answers_match_production(
        Compared(BODY, answered({"predictions": [0]}), None, recorded, "production", "", changed)
    )
    assert violation is not None and violation.headline.startswith("the answer differs from production's")
    assert 'production answered: {"predictions": [1]}' in violation.details


def test_backward_compatibility_holds_for_a_new_key_and_breaks_on_a_refusal() -> None:
    old = {"predictions": [1], "probabilities": [0.9]}
    assert contract_is_backward_compatible(compared(old, {**old, "model": "v2"})) is None
    refused = Call(BODY, HttpResponse(400, JSON, dumped({"error": "at most 10 support calls"})))
    violation = contract_is_backward_compatible(Compared(BODY, refused, answered(old), named="v1/score.py"))
    assert violation is not None
    assert violation.headline == "the new version refuses a body the baseline answered: HTTP 200 → HTTP 400"
    assert 'this version answered: HTTP 400 {"error": "at most 10 support calls"}' in violation.details


def test_backward_compatibility_names_where_run_raised_on_a_body_the_old_version_answered() -> None:
    raised = ScriptError(
        "KeyError", "'support_calls'", "score.py:31 in run\n    row['support_calls']\nKeyError", "score.py:31 in run"
    )
    failed = Call(BODY, HttpResponse(500, JSON, b'{"message": "An unexpected error occurred"}'), error=raised)
    violation = contract_is_backward_compatible(Compared(BODY, failed, answered({"p": 1.0})))
    assert violation is not None and violation.location == "score.py:31 in run"
    assert "run() raised KeyError: 'support_calls' (score.py:31 in run)" in violation.details


@pytest.mark.parametrize(
    ("found", "headline"),
    [
        (
            {"contract_refuses": "$.data[0].support_calls: 30 is greater than the maximum of 10"},
            "the new request contract refuses a body the baseline answered: $.data[0].support_calls",
        ),
        (
            {"output_problem": "$.probabilities: 'probabilities' is a required property"},
            "the new answer breaks the baseline's output contract: $.probabilities",
        ),
        (
            {"shape_breaks": ("$.probabilities removed",)},
            "the new answer lost the shape of the baseline's: $.probabilities removed",
        ),
    ],
)
def test_backward_compatibility_fails_on_what_the_run_found_about_the_contracts(
    found: dict[str, object], headline: str
) -> None:
    violation = contract_is_backward_compatible(compared({"p": 1}, {"p": 1}, **found))
    assert violation is not None and violation.headline.startswith(headline)


def test_a_body_the_old_version_refused_is_not_held_against_the_new_one() -> None:
    refused = Call(BODY, HttpResponse(400, JSON, b"{}"))
    assert contract_is_backward_compatible(Compared(BODY, refused, Call(BODY, HttpResponse(400, JSON, b"{}")))) is None


def test_bodies_whose_only_changes_were_accepted_are_counted_apart_and_by_path() -> None:
    from score_contract.comparison.evidence import Comparison
    from score_contract.comparison.report import summary

    old, new = {"predictions": [1], "probabilities": [0.9]}, {"predictions": [1], "churn_probabilities": [0.9]}
    accepted = ("$.probabilities", "$.churn_probabilities")
    answers = compare_answers(dumped(old), dumped(new), TIGHT, accepted=accepted)
    assert answers.different == () and not answers.identical
    same = compared(old, old)
    renamed = Compared(BODY, answered(new), answered(old), answers=answers, named="v1/score.py")
    figures = Comparison((same, renamed), who="v1/score.py").figures()["baseline"]
    assert (figures["identical"], figures["accepted_only"], figures["different"]) == (1, 1, 0)
    assert figures["accepted"] == {"$.probabilities": 1, "$.churn_probabilities": 1}
    assert summary(figures, production=False) == [
        "2 bodies compared (both versions answered with 2xx): 1 identical, 0 within the tolerance, 0 different,"
        " 1 with accepted changes only",
        "accepted changes (--score-accept-changes), in as many bodies: $.probabilities (1), $.churn_probabilities (1)",
    ]
