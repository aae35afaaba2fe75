"""How a long phase tells the terminal where it is: which script, which phase, how many bodies so far.

Nothing in a phase's first ``FIRST`` seconds (a script checked in a second prints no extra line),
then at most one line every ``EVERY`` seconds. The shell decides where lines go (pytest's terminal
writer, on a terminal and in a CI log alike); the engine only says them.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .wording import counted

Say = Callable[[str], None]

#: Seconds of silence before a phase's first line, and between lines.
FIRST = 3.0
EVERY = 5.0

#: What a line calls the phase a body was sent in.
_DOING = {
    "sample": "sending the samples",
    "example": "sending the decorators' sample",
    "boundary": "sending the contract's boundaries",
    "generated": "searching with generated bodies",
    "varied": "sending variations of the samples",
    "invalid": "sending invalid bodies",
    "repeat": "sending bodies again",
}


@dataclass
class Ticker:
    say: Say
    #: The script as the user named it.
    script: str
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=-1.0)
    _last: float = field(default=-1.0)

    def __post_init__(self) -> None:
        if self.started < 0:
            self.started = self.clock()

    def _due(self) -> bool:
        now = self.clock()
        if now - self.started < FIRST or (self._last >= 0 and now - self._last < EVERY):
            return False
        self._last = now
        return True

    def sent(self, phase: str, sent: Counter[str]) -> None:
        """A body of ``phase`` was sent; ``sent``: every phase's count so far."""
        if self._due():
            total = sum(sent.values())
            doing = _DOING.get(phase, f"sending {phase} bodies")
            self.say(
                f"{self.script}: {doing}, {counted(total, 'body', 'bodies')} sent so far"
                f" ({self.clock() - self.started:.0f} s)"
            )

    def waiting(self, what: str, limit: float) -> None:
        """Still waiting for ``what`` (the official server to be ready), at most ``limit`` seconds."""
        if self._due():
            self.say(f"{self.script}: waiting for {what} ({self.clock() - self.started:.0f} s of {limit:g})")
