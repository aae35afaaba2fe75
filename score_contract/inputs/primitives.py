"""Hypothesis strategies for one JSON value of a simple type, within what a schema allows: integers and floats
within bounds (and multiples of a step), strings found by a pattern, formats, arrays whose first items follow
prefixItems. :mod:`.strategies` composes them into whole bodies."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from .json_schemas import float_range

# Where the schema gives no bounds. A contract derived from samples never has bounds, yet beyond these JSON clients
# and numpy disagree: integers past 2**53 lose precision as JavaScript numbers and as float64, and floats near the
# float64 limits overflow to inf in the first sum a script does. Generating them would blame the script for that.
INT_SPAN = 2**53
FLOAT_SPAN = 1e9

# Valid Unicode only: a lone surrogate cannot be encoded as UTF-8, so no client could send it.
CHARS = st.characters(codec="utf-8")

# pandas' nanosecond timestamps cover 1677-2262 only; stay well inside.
DATETIMES = st.datetimes(
    datetime(1900, 1, 1),
    datetime(2199, 12, 31),
    timezones=st.sampled_from(
        [timezone.utc, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5)), timezone(timedelta(hours=5.5))]
    ),
)
FORMATS: dict[str, SearchStrategy[str]] = {
    "date": st.dates(date(1900, 1, 1), date(2199, 12, 31)).map(date.isoformat),
    "date-time": DATETIMES.map(datetime.isoformat),
    "time": st.times().map(lambda t: t.isoformat() + "Z"),  # RFC 3339 full-time needs an offset
    "email": st.emails(),
    "uuid": st.uuids().map(str),
    "ipv4": st.ip_addresses(v=4).map(str),
    "ipv6": st.ip_addresses(v=6).map(str),
    "hostname": st.from_regex(r"\A[a-z][a-z0-9]{0,9}(\.[a-z][a-z0-9]{0,9}){0,2}\Z"),
    "uri": st.from_regex(r"\Ahttps://[a-z]{1,12}\.(com|org|net)(/[a-z0-9]{1,8}){0,3}\Z"),
}


def integers(low: int | None, high: int | None, span: int = INT_SPAN) -> SearchStrategy[int] | None:
    low = low if low is not None else -span if high is None or high > -span else high - span
    high = high if high is not None else span if low < span else low + span
    return st.integers(low, high) if low <= high else None


def floats(schema: dict[str, Any]) -> SearchStrategy[float] | None:
    low, low_open, high, high_open = float_range(schema)
    low = low if low is not None else -FLOAT_SPAN if high is None or high > -FLOAT_SPAN else high - FLOAT_SPAN
    high = high if high is not None else FLOAT_SPAN if low < FLOAT_SPAN else low + FLOAT_SPAN
    if (
        low > high
        or (low == high and (low_open or high_open))
        or (low_open and high_open and math.nextafter(low, math.inf) >= high)
    ):
        return None
    return st.floats(low, high, exclude_min=low_open, exclude_max=high_open, allow_nan=False, allow_infinity=False)


def multiples(schema: dict[str, Any], step: float, integer: bool) -> SearchStrategy[Any] | None:
    low, _, high, _ = float_range(schema)
    span = INT_SPAN if integer else int(FLOAT_SPAN)
    ks = integers(
        None if low is None else math.ceil(low / step),
        None if high is None else math.floor(high / step),
        span=max(1, int(span // step)),
    )
    if ks is None:
        return None
    # jsonschema divides, so a float step accepts only some of its multiples; the filter keeps those.
    return ks.map(lambda k: k * step)


# What a `true` schema allows; small, since such a value only fills a place the schema leaves open.
ANY_JSON: SearchStrategy[object] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-INT_SPAN, INT_SPAN),
        st.floats(-FLOAT_SPAN, FLOAT_SPAN),
        st.text(CHARS, max_size=20),
    ),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(CHARS, max_size=10), kids, max_size=3),
    max_leaves=8,
)


def pattern(pattern: str, low: int = 0, high: int | None = None) -> SearchStrategy[str]:
    """Strings in which ``pattern`` is found: JSON Schema's pattern is a search, not a full match.

    A full match of the pattern, with free text before it unless the pattern starts with ^ and after it unless it
    ends with $, sized to the length bounds; it shrinks towards the bare match. Compiled with re.ASCII so that \\d
    and \\w make the ASCII characters clients send (ECMA-262's meaning); jsonschema still judges.
    """
    try:
        compiled = re.compile(pattern, re.ASCII)
    except re.error:  # e.g. an inline (?u) flag
        compiled = re.compile(pattern)
    if "(?<=" in pattern or "(?<!" in pattern:  # a lookbehind looks at the text before the match
        searched = st.from_regex(compiled, fullmatch=False, alphabet=CHARS)
        return searched.filter(lambda s: not s.endswith("\n")) if "$" in pattern else searched
    # fullmatch also keeps Python's $ from matching before a final newline, which ECMA-262's $ does not.
    core = st.from_regex(compiled, fullmatch=True, alphabet=CHARS)
    free_start = not pattern.startswith(("^", "\\A"))
    free_end = not pattern.endswith(("$", "\\Z"))
    if not (free_start or free_end):
        return core

    @st.composite
    def strings(draw: st.DrawFn) -> str:
        middle = draw(core)
        room = None if high is None else max(0, high - len(middle))
        before = draw(st.text(CHARS, max_size=room)) if free_start else ""
        room = None if room is None else room - len(before)
        need = max(0, low - len(middle) - len(before))
        after = (
            draw(st.text(CHARS, min_size=need if room is None else min(need, room), max_size=room)) if free_end else ""
        )
        return before + middle + after

    return strings()


def prefixed(
    prefix: list[SearchStrategy[object] | None], rest: SearchStrategy[object] | None, low: int, high: int | None
) -> SearchStrategy[list[object]] | None:
    """Arrays whose first items follow prefixItems; the rest follow items, once every prefix item is there."""
    available = next((i for i, s in enumerate(prefix) if s is None), len(prefix))
    longest = available if high is None else min(available, high)
    if min(low, len(prefix)) > longest:
        return None

    @st.composite
    def arrays(draw: st.DrawFn) -> list[object]:
        count = draw(st.integers(min(low, len(prefix)), longest))
        out = [draw(s) for s in prefix[:count] if s is not None]
        if count == len(prefix) and rest is not None:
            out += draw(
                st.lists(rest, min_size=max(0, low - count), max_size=None if high is None else max(0, high - count))
            )
        return out

    return arrays()
