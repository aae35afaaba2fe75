"""The pytest items: a scoring script (or deployment spec) is a File, each check of its contract an Item named
after the check (``score.py::run_accepts_valid_input``), a target with no script of its own one skipped Item."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .failures import ContractBroken, FailureRepr
from .keys import RECORD, SESSION, ScoreContractWarning

if TYPE_CHECKING:
    from score_contract.judging.checks import Check


class ScoreFile(pytest.File):
    """A scoring script: one item per check of the contract."""

    def collect(self) -> Iterator[pytest.Item]:
        reason = self.config.stash[SESSION].nothing_to_gate(self.path)
        if reason:
            # One skipped item for the target: a run over only such targets exits 0, as a gate that found nothing
            # wrong must, not 5 ("no tests collected"), which a collection-time skip would give.
            yield NothingToGate.from_parent(self, name="has_a_scoring_script", reason=reason)
            return
        for check in self.config.stash[SESSION].checks(self.path):
            yield ScoreItem.from_parent(self, name=check.name, check=check)


class NothingToGate(pytest.Item):
    """A target with no scoring script of its own (a no-code MLflow deployment, a pipeline component): skipped."""

    def __init__(self, *, reason: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reason = reason

    def runtest(self) -> None:
        raise pytest.skip.Exception(self.reason, _use_item_location=True)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.name


class ScoreItem(pytest.Item):
    """One check of one script; its name is the check's sentence-name."""

    def __init__(self, *, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check

    def runtest(self) -> None:
        contract = self.config.stash[SESSION]
        try:
            verdict = contract.judge(self.path, self.check)
        finally:
            contract.done(self.path)
        script_file, line = contract.warning_location(self.path)
        texts = contract.warnings(self.path, self.check, verdict)
        self._record(verdict.outcome, texts, reason=verdict.reason)
        for text in texts:
            # In the JUnit file too, where CI tools show a testcase's properties.
            self.user_properties.append(("score-contract warning", text))
            try:
                # Attributed to the script's run(), not to this line of ours.
                warnings.warn_explicit(ScoreContractWarning(text), ScoreContractWarning, str(script_file), line)
            except ScoreContractWarning:
                # -W error / filterwarnings = error: the warning fails its check, as plain text.
                where = f"{self.script_id}:{line}" if line else self.script_id
                self._record("failed", texts, headline=text.splitlines()[0])
                raise ContractBroken(text.splitlines()[0], text, where) from None
        if verdict.outcome == "skipped":
            pointer = f"; see {self.script_id}::{verdict.blocked_by}" if verdict.blocked_by else ""
            # Report the skip at the script, as pytest does for skip marks, not at this line.
            raise pytest.skip.Exception(f"{verdict.reason}{pointer}", _use_item_location=True)
        if verdict.outcome == "failed":
            failure = contract.failure(self.path, self.check, verdict)
            self._record(
                "failed",
                texts,
                headline=failure.headline,
                body=failure.body,
                body_label=failure.body_label,
                reproduce=failure.reproduce,
            )
            if failure.output:
                # pytest shows it as "Captured stdout and stderr of score.py call", and so does the JUnit file.
                self.add_report_section("call", f"stdout and stderr of {self.path.name}", failure.output)
            raise ContractBroken(failure.headline, failure.text, failure.location)

    def _record(self, outcome: str, warnings: list[str], **found: str) -> None:
        from score_contract.reporting.records import check_record

        self.stash[RECORD] = check_record(self.check.name, self.check.sentence, outcome, warnings=warnings, **found)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ContractBroken):
            # pytest passes no style for a failure in the call phase: --tb is the user's choice.
            tbstyle = style or self.config.getoption("tbstyle", "auto")
            return FailureRepr.of(excinfo.value, tbstyle)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        # The label heads the failure section. It must not be a suffix of the node
        # id: pytest's verbose lines would turn its dots into "::" ("score::py").
        return self.path, 0, f"{self.name} ({self.script_id})"

    @property
    def script_id(self) -> str:
        """The node id of the script this check belongs to."""
        return self.nodeid.rsplit("::", 1)[0]
