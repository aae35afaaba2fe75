"""The parent's side of one script's coverage: where its workers write, what they trace, and the
result once the last of them has ended.

Every worker of the script (a replacement after a crash too) writes its own data file into one
temporary folder (coverage.py's parallel files, ``.coverage.<host>.<pid>.<random>``); they are
combined when the script's run is closed, and the folder stays until the session ends, for
--score-cov-report.

In a deployment's environment (its own Python, none of our packages): coverage.py installed
there is used as it is; otherwise ours, from a folder holding nothing but a link to it, when that
Python has our major.minor version (coverage.py's C extension and its supported versions are tied
to it); otherwise one installed for that Python version into a side folder of the cache
(score_contract.environments.tools). Installing coverage.py into the user's environment would make
it another environment than the one deployed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..isolation.sandbox import package_shim
from . import results
from .reports import Handover, hand_over

if TYPE_CHECKING:
    from ..environments.deployed import Deployed

#: Files never measured: installed packages (a venv inside the app root too) and score-contract itself.
_OMIT = ("*/site-packages/*", "*/dist-packages/*", "*/.venv/*", "*/venv/*")


class Measurement:
    def __init__(self, script: Path, app_root: Path, batch: bool = False, handover: Handover | None = None) -> None:
        self.script = script.resolve()
        self.app_root = app_root.resolve()
        self.batch = batch
        self.handover = handover
        self.folder = Path(tempfile.mkdtemp(prefix="score-contract-cov-"))
        roots = dict.fromkeys((str(self.app_root), str(self.script.parent)))
        self.include = [str(self.script), *(os.path.join(root, "*") for root in roots)]
        package = str(Path(__file__).resolve().parent.parent)
        self.omit = [*_OMIT, os.path.join(package, "*")]
        #: Why coverage is not measured ("" while it is).
        self.note = ""
        self.done = False
        self._figures: dict[str, Any] | None = None

    def request(self, deployed: Deployed) -> str | None:
        """The worker's coverage argument; None when it cannot measure (``self.note`` says why)."""
        env = deployed.environment()
        built = env.built if env is not None else None
        import_from = ""
        if env is not None and built is not None and not env.version("coverage"):
            ours = ".".join(map(str, sys.version_info[:2]))
            if ".".join(built.python_version.split(".")[:2]) == ours:
                import_from = _coverage_shim()
            else:
                side = deployed.coverage_folder()
                if side.why_not:
                    self.note = side.why_not
                    return None
                import_from = side.folder
        request = {
            "data_file": str(self.folder / ".coverage"),
            "include": self.include,
            "omit": self.omit,
            "import_from": import_from,
        }
        return json.dumps(request)

    def finish(self) -> None:
        """Every worker of the script has ended: combine their data (and hand it to pytest-cov)."""
        if self.done:
            return
        self.done = True
        if self.note:
            return
        failed = self.folder / "not-measured.txt"
        if failed.exists():
            self.note = f"coverage.py did not start in the worker: {failed.read_text(errors='replace')}"
            return
        self._figures = results.read(self.folder, self.include, self.omit, self.app_root, self.script, self.batch)
        if self._figures is None:
            self.note = "no line of the script ran under coverage.py (the worker ended before saving?)"
        elif self.handover is not None:
            hand_over(self.folder / ".coverage", self.handover)

    def figures(self) -> dict[str, Any] | None:
        """For the reports: the result, or why there is none; None until the script's workers have ended."""
        if not self.done:
            return None
        return self._figures if self._figures is not None else results.not_measured(self.note)

    @property
    def data_file(self) -> Path | None:
        """The combined data (None: nothing was measured)."""
        return self.folder / ".coverage" if self._figures is not None else None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _coverage_shim() -> str:
    """A folder holding only a link to this interpreter's coverage package."""
    import coverage

    return package_shim(Path(coverage.__file__).resolve().parent)
