"""What the plugin's modules share: where the session and each check's record are kept (``config.stash``), and the
warning an advisory finding is told with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from score_contract.session import ContractSession

SESSION: pytest.StashKey[ContractSession] = pytest.StashKey()
#: What a check's item leaves for the reports.
RECORD: pytest.StashKey[dict[str, Any]] = pytest.StashKey()
#: The name the report gatherer is registered under.
_REPORTS = "score-contract-reports"


class ScoreContractWarning(UserWarning):
    """An advisory finding about a scoring script (it does not fail the check)."""
