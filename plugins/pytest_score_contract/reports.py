"""The JSON report and the Markdown summary, from the records each check's test report carries."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from score_contract.session import ContractSession


class Reports:
    """Gathers each script's check records and figures from the test reports, and writes the
    JSON report and the Markdown summary at the end: registered as a plugin of its own, as
    pytest's junitxml is, so that it sees every report (the workers' too under xdist)."""

    def __init__(self, config: pytest.Config, session: ContractSession) -> None:
        self.config = config
        self.session = session
        self.checks: dict[str, list[dict[str, Any]]] = {}
        self.figures: dict[str, dict[str, Any]] = {}
        self.notes: dict[str, list[str]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        found = getattr(report, "score_contract", None)
        if not isinstance(found, dict):
            return
        self.checks.setdefault(found["script"], []).append(found["check"])
        # A later check has seen more of the script (its calls, its end): keep the latest figures.
        self.figures[found["script"]] = found["figures"]
        self.notes[found["script"]] = found["notes"]

    def sent(self) -> list[str]:
        """The summary's lines: per script, in the order given, its notes and the bodies each phase sent."""
        lines = []
        for shown in self.order():
            lines += self.session.sent(shown, self.notes[shown], self.figures[shown]["sent"])
        return lines

    def order(self) -> list[str]:
        """The scripts that ran a check, in the order they were given."""
        return [s.shown_as for s in self.session.scripts.values() if s.shown_as in self.figures]

    def report(self) -> dict[str, Any]:
        from score_contract.reporting.records import build

        figures = {shown: self.figures[shown] for shown in self.order()}
        targets = [s.shown_as for s in self.session.scripts.values()]
        return build(figures, self.checks, self.session.settings.seed, targets)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            return  # an xdist worker: the controller writes them, from every worker's reports
        settings = self.session.settings
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY", "")
        if not (settings.report or settings.summary or step_summary) or not self.figures:
            return
        from score_contract.reporting import markdown
        from score_contract.reporting.records import write_json

        report = self.report()
        if settings.report is not None:
            write_json(settings.report, report)
        text = markdown.render(report)
        if settings.summary is not None:
            settings.summary.write_text(text, encoding="utf-8")
        if step_summary:
            # GitHub's step summary is appended to: other steps of the job write there too.
            with open(step_summary, "a", encoding="utf-8") as summary:
                summary.write(text)
