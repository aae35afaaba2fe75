"""How a failed check reads in pytest: the headline first, plain text, no traceback of ours."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

    def __init__(self, broken: ContractBroken, tbstyle: str) -> None:
        from score_contract.report import short_form

        self.reprcrash = _Crash(broken.location, broken.headline)
        if tbstyle in ("line", "no"):
            # pytest prints the crash line itself after this (--tb=line) or shows no section (--tb=no).
            self.text, self.shown = str(self.reprcrash), ""
        else:
            self.text = short_form(broken.text) if tbstyle == "short" else broken.text
            self.shown = self.text

    def toterminal(self, tw: TerminalWriter) -> None:
        for line in self.shown.splitlines():
            tw.line(line)

    def __str__(self) -> str:
        # The JUnit failure text, as for pytest's own tests: what the style shows.
        return self.text
