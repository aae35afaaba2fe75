"""How a failed check reads in pytest: the headline first, plain text, no traceback of ours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _pytest._io import TerminalWriter


class ContractBroken(Exception):
    """Raised by a failed check; carries the rendered failure text."""

    def __init__(self, headline: str, text: str, location: str) -> None:
        super().__init__(headline)
        self.headline = headline
        self.text = text
        #: ``path:line`` where it failed in the user's files, or the script's path.
        self.location = location


class _Crash:
    """What pytest's short summary (-ra) and the JUnit message show: the headline; and the line
    --tb=line prints: the headline after where it failed, as pytest's own crash lines read."""

    def __init__(self, location: str, message: str) -> None:
        path, _, line = location.rpartition(":")
        self.path, self.lineno = (path, int(line)) if line.isdigit() else (location, 0)
        self.location = location
        self.message = message

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class FailureRepr:
    """Plain-text failure report: pytest prints it as is, with no traceback of ours, in the
    traceback style the user chose (--tb)."""

    #: The key its serialised form is known by (see to_json).
    KEY = "score_contract_failure"

    def __init__(self, location: str, headline: str, text: str, shown: str) -> None:
        self.reprcrash = _Crash(location, headline)
        #: What the JUnit file carries, and what the failure section prints.
        self.text = text
        self.shown = shown

    @classmethod
    def of(cls, broken: ContractBroken, tbstyle: str) -> FailureRepr:
        from score_contract.pipeline.failures import short_form

        if tbstyle in ("line", "no"):
            # pytest prints the crash line itself after this (--tb=line) or shows no section (--tb=no).
            line = str(_Crash(broken.location, broken.headline))
            return cls(broken.location, broken.headline, line, "")
        text = short_form(broken.text) if tbstyle == "short" else broken.text
        return cls(broken.location, broken.headline, text, text)

    def to_json(self) -> dict[str, Any]:
        """What an xdist worker sends to the controller. pytest serialises only its own exception
        reprs (reprcrash + reprtraceback) as such and turns any other into str(): the controller
        would lose the headline, and its short summary would show the whole text (on CI) or the
        crash line (--tb=line) instead (issue 8)."""
        crash = self.reprcrash
        return {
            self.KEY: {"location": crash.location, "headline": crash.message, "text": self.text, "shown": self.shown}
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FailureRepr | None:
        """The repr back from ``to_json``; None for anything else."""
        found = data.get(cls.KEY)
        if not isinstance(found, dict):
            return None
        return cls(found["location"], found["headline"], found["text"], found["shown"])

    def toterminal(self, tw: TerminalWriter) -> None:
        for line in self.shown.splitlines():
            tw.line(line)

    def __str__(self) -> str:
        # The JUnit failure text, as for pytest's own tests: what the style shows.
        return self.text
