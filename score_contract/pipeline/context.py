"""What the session gives a run besides its script and settings: where long phases say how they are going, and
pytest-cov's data file when it measures in the same session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..coverage.measurement import Measurement
from ..coverage.reports import Handover
from ..planning.script import Script

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RunContext:
    #: Long steps (building an environment) say what they are doing here.
    progress: Progress | None = None
    #: A long search or a server's boot says how far it is here (see core.ticker).
    status: Progress | None = None
    #: pytest-cov's data file and mode, when pytest-cov measures in the same session.
    handover: Handover | None = None

    def measurement(self, script: Script, measures: bool) -> Measurement | None:
        """The script's coverage measurement, when it is asked for (or implied by pytest-cov's --cov)."""
        if not measures and self.handover is None:
            return None
        return Measurement(script.path, script.app_root, batch=script.kind == "batch", handover=self.handover)
