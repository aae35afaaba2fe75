"""Comparing two answers: every differing path, JSON inside strings, and what changes by itself."""

from __future__ import annotations

import json

import pytest

from score_contract.core.compare import changes, describe, differences, keys_of, parse_volatile
from score_contract.core.observations import HttpResponse


def answer(value: object) -> HttpResponse:
    return HttpResponse(200, (("Content-Type", "application/json"),), json.dumps(value).encode())


@pytest.mark.parametrize(
    ("path", "keys"),
    [("$.meta.request_id", ("meta", "request_id")), ("items[0].id", ("items", "id")), ("meta.time", ("meta", "time"))],
)
def test_volatile_paths_are_written_as_the_failures_print_them(path: str, keys: tuple[str, ...]) -> None:
    assert keys_of(path) == keys
    assert parse_volatile(f"{path}, $.a") == (keys, ("a",))


def test_every_differing_path_is_listed() -> None:
    found = differences(answer({"a": 1, "b": [1, 2], "c": "x"}), answer({"a": 2, "b": [1, 3], "c": "x"}))
    assert describe(found) == "$.a: 1 → 2; $.b[1]: 2 → 3"


def test_lists_of_other_lengths_are_counted_in_words_that_agree() -> None:
    found = differences(answer({"labels": ["a"]}), answer({"labels": ["a", "b"]}))
    assert describe(found) == "$.labels: 1 item → 2 items"


def test_a_json_string_is_compared_by_what_it_holds() -> None:
    first = answer(json.dumps({"result": [1], "time_in_sec": [0.0012]}))
    again = answer(json.dumps({"result": [1], "time_in_sec": [0.0015]}))
    (found,) = differences(first, again)
    assert found.path == "$.time_in_sec[0]" and found.keys == ("time_in_sec",) and found.looks_volatile
    assert changes([found]) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"elapsed_ms": 3.1}, {"elapsed_ms": 2.9}),
        ({"meta": {"requestId": "a"}}, {"meta": {"requestId": "b"}}),
        ({"scored_at": "x"}, {"scored_at": "y"}),
        ({"timings": {"predict": 0.1}}, {"timings": {"predict": 0.2}}),
        ({"stamp": "2026-12-01T10:00:00Z"}, {"stamp": "2026-12-01T10:00:01Z"}),  # by its value
        ({"ref": "9b2f7c1e-1f6a-4c56-8d9e-0c1d2e3f4a5b"}, {"ref": "0c2f7c1e-1f6a-4c56-8d9e-0c1d2e3f4a5b"}),
        ({"ts": 1764583200}, {"ts": 1764583201}),
    ],
)
def test_times_durations_dates_and_ids_change_by_themselves(before: object, after: object) -> None:
    found = differences(answer(before), answer(after))
    assert found and changes(found) == [], found


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"score": 0.25}, {"score": 0.75}),
        ({"valid": True}, {"valid": False}),  # "id" inside a word is no id
        ({"average_so_far": 1.0}, {"average_so_far": 2.0}),
        ({"status": 200}, {"status": 201}),
    ],
)
def test_anything_else_that_differs_is_a_change(before: object, after: object) -> None:
    assert changes(differences(answer(before), answer(after)))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Fri Dec  4 23:06:59 2026", "Fri Dec  4 23:07:00 2026"),  # time.ctime()
        ("Fri, 04 Dec 2026 23:06:59 -0000", "Fri, 04 Dec 2026 23:07:00 -0000"),  # email.utils.formatdate()
        ("04/12/2026 23:59:59", "05/12/2026 00:00:00"),  # "%d/%m/%Y %H:%M:%S" across midnight, read day first
        ("12/04/2026, 11:06:59 PM", "12/04/2026, 11:07:00 PM"),  # "%m/%d/%Y, %I:%M:%S %p"
        ("2026-12-04 23:06:59.125+01:00", "2026-12-04 22:07:00.5Z"),  # offsets of one clock
    ],
)
def test_a_clock_reading_in_any_common_format_changes_by_itself(before: str, after: str) -> None:
    # Under a key that names no time: the values alone say it.
    found = differences(answer({"generated": before}), answer({"generated": after}))
    assert found and changes(found) == [], found


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("0.71", "0.69"),  # a score sent as text
        ("3", "4"),  # dateutil reads both as days of the month
        ("May", "June"),  # a label dateutil reads as a month
        ("1.2.3", "1.2.4"),  # a version
        ("Fri Dec  4 10:00:00 2026", "Sat Dec  5 10:00:00 2026"),  # a predicted date that moved by a day
        ("cat", "dog"),
    ],
)
def test_labels_numbers_and_dates_a_day_apart_are_changes(before: str, after: str) -> None:
    assert changes(differences(answer({"generated": before}), answer({"generated": after})))


def test_a_path_named_volatile_is_left_out() -> None:
    found = differences(answer({"meta": {"seed": 1}}), answer({"meta": {"seed": 2}}))
    assert changes(found) and changes(found, parse_volatile("$.meta.seed")) == []
