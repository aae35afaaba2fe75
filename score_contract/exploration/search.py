"""Search a script's valid-input domain with Hypothesis, and shrink what breaks it.

Imported only when a script is searched (Hypothesis costs ~0.3 s to import).
Hypothesis is used as intended: ``@given`` over the contract's strategy, its
example database (a failure found once is tried first next time), the settings
profile the user loaded (the ``ci`` profile is deterministic), an explicit seed
when one is given. Each broken check raises its own exception type, so that
Hypothesis tracks one failure per check and shrinks each to its smallest body
instead of sliding from one failure to another while shrinking.

Drawn first, then sent together: a search whose bodies all hold is decided by its
bodies alone, so Hypothesis first draws them with a test that only records (the same
test function, settings and seed, the example database read but never changed), and
they go to the worker in one stream (``send_all``). Only when one breaks a check, or
is refused, does the search run again as a test of its own, which draws the same
bodies in the same order up to there (the caller answers those from what was already
sent) and then generates on and shrinks as Hypothesis does. Without a seed from the
user, one is chosen for both passes (under ``derandomize`` both derive the same one
from the test function, as Hypothesis does).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Verbosity, assume, given, settings
from hypothesis import seed as fixed_seed
from hypothesis.database import ExampleDatabase

from ..core.observations import Call


class ContractBreak(Exception):
    """A body that broke a check; one subclass per check."""

    check = ""

    def __init__(self, call: Call) -> None:
        super().__init__(call.body.text[:200])
        self.call = call


_BREAKS: dict[str, type[ContractBreak]] = {}


def _break_for(check: str) -> type[ContractBreak]:
    if check not in _BREAKS:
        _BREAKS[check] = type(f"Broke_{check}", (ContractBreak,), {"check": check})
    return _BREAKS[check]


@dataclass
class Outcome:
    """What the search sent: calls that held, and the smallest one per broken check."""

    passed: list[Call] = field(default_factory=list)
    #: (check, call): the smallest body found for each check that broke.
    smallest_failures: list[tuple[str, Call]] = field(default_factory=list)
    #: Generated bodies that the server or the decorators refused before run().
    refused: int = 0
    #: A failure that did not happen again when Hypothesis replayed it.
    flaky: list[str] = field(default_factory=list)
    #: Decided by the bodies drawn first and sent together: they all held.
    drawn_first: bool = False


def database_key(script: str, contract: object) -> str:
    """One key per script and contract: a changed contract starts a fresh search."""
    digest = hashlib.sha256(f"{script}\n{contract!r}".encode()).hexdigest()[:20]
    return f"score_contract_{digest}"


class KeyedDatabase(ExampleDatabase):
    """The user's example database, every key prefixed (public ExampleDatabase API)."""

    def __init__(self, database: ExampleDatabase, prefix: bytes) -> None:
        super().__init__()
        self.database = database
        self.prefix = prefix + b"."

    def save(self, key: bytes, value: bytes) -> None:
        self.database.save(self.prefix + key, value)

    def fetch(self, key: bytes) -> Iterable[bytes]:
        return self.database.fetch(self.prefix + key)

    def delete(self, key: bytes, value: bytes) -> None:
        self.database.delete(self.prefix + key, value)

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        self.database.move(self.prefix + src, self.prefix + dest, value)


#: Bodies drawn before they are sent together, in the recording pass: memory and drawing stay bounded when a body
#: breaks a check early in a long search (--score-examples 100000).
DRAWN_AT_ONCE = 100


class _Drawn(BaseException):
    """Ends the recording pass early. A BaseException: Hypothesis lets it through, it does not shrink it."""


class _ReadOnly(ExampleDatabase):
    """The database as the recording pass sees it: read, never changed; what Hypothesis would have deleted (examples
    that no longer fail) is kept, to be deleted when the recorded bodies all held."""

    def __init__(self, database: ExampleDatabase) -> None:
        super().__init__()
        self.database = database
        self.deleted: list[tuple[bytes, bytes]] = []

    def save(self, key: bytes, value: bytes) -> None:
        pass

    def fetch(self, key: bytes) -> Iterable[bytes]:
        return self.database.fetch(key)

    def delete(self, key: bytes, value: bytes) -> None:
        self.deleted.append((key, value))

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        pass


def search(
    strategy: Any,
    send: Callable[[object], Call | None],
    first_broken_check: Callable[[Call], str | None],
    *,
    examples: int,
    seed: int | None,
    key: str,
    send_all: Callable[[list[object]], list[Call | None]] | None = None,
) -> Outcome:
    """Send ``examples`` bodies drawn from ``strategy``; shrink every broken check.

    ``send`` returns None for a body refused before run() saw it: that body is
    not valid after all, and Hypothesis is told to discard it. ``send_all``: sends
    drawn bodies together, in order, up to the first that is refused (None) or
    breaks a check; the calls of those it sent.
    """
    outcome = Outcome()

    # Hypothesis keys its database by the test function's source, which is this
    # one function for every script: give each script its own corner of it.
    profile = settings.default
    database = profile.database if profile is not None else None
    keyed = KeyedDatabase(database, key.encode()) if database is not None else None
    if seed is None and send_all is not None and not (profile is not None and profile.derandomize):
        seed = random.getrandbits(128)  # both passes draw the same bodies
    #: The recording pass: bodies drawn and not sent yet, and the calls of those sent.
    recorded: list[object] | None = None
    made: list[Call | None] = []

    def held() -> bool:
        """Send what was drawn since the last time; whether every body sent so far held."""
        assert send_all is not None and recorded is not None
        if recorded:
            calls = send_all(recorded)
            made.extend(calls)
            if len(calls) < len(recorded):
                made.append(None)  # the rest was not sent: a body refused or broken stopped it
            recorded.clear()
        return all(call is not None and first_broken_check(call) is None for call in made)

    def probe(value: object) -> None:
        if recorded is not None:
            recorded.append(value)
            if len(recorded) >= DRAWN_AT_ONCE and not held():
                raise _Drawn  # no use drawing on: the search proper takes over from here
            return
        call = send(value)
        if call is None:
            outcome.refused += 1
        assume(call is not None)
        assert call is not None
        broken = first_broken_check(call)
        if broken is not None:
            raise _break_for(broken)(call)
        outcome.passed.append(call)

    def run(database: ExampleDatabase | None) -> None:
        @settings(
            parent=profile,
            database=database,
            max_examples=examples,
            deadline=None,
            # Bodies go to another process: slow by Hypothesis's measure, and
            # refusals by the decorators count as filtering.
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=True,
            verbosity=Verbosity.quiet,
            print_blob=False,
        )
        @given(strategy)
        def body_holds(value: object) -> None:  # one test function for both passes: one derandomized seed
            probe(value)

        runner = fixed_seed(seed)(body_holds) if seed is not None else body_holds
        runner()

    if send_all is not None:
        recorded = []
        reader = _ReadOnly(keyed) if keyed is not None else None
        try:
            run(reader)
            drawn = held()
        except (_Drawn, Exception):  # a body broke a check; or Hypothesis could not draw (the search proper says why)
            drawn = False
        recorded = None
        if drawn and made:
            outcome.passed = [call for call in made if call is not None]
            outcome.drawn_first = True
            if keyed is not None and reader is not None:
                for database_key, value in reader.deleted:
                    keyed.delete(database_key, value)
            return outcome
    try:
        run(keyed)
    except BaseException as raised:  # ContractBreak, or a group of them
        _collect(raised, outcome)
    return outcome


def _collect(raised: BaseException, outcome: Outcome) -> None:
    if isinstance(raised, ContractBreak):
        outcome.smallest_failures.append((raised.check, raised.call))
        return
    group = getattr(raised, "exceptions", None)
    if group is None:
        raise raised
    if "Flaky" in type(raised).__name__:
        outcome.flaky.append(str(raised).splitlines()[0])
    for member in group:
        _collect(member, outcome)
