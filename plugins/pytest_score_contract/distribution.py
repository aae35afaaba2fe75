"""pytest-xdist: every check of one script on one xdist worker (issue 8, part 4).

A script's checks share what one worker process gathered (one import, one init(), one search, one
official server). Spread over several xdist workers, each would start all of that for the script
again. ``-n N`` means ``--dist load``, which spreads single tests; under it we hand xdist this
scheduler instead: a script is one unit of work, and every other test stays a unit of its own, as
``load`` has it. (``loadfile`` would group the scripts too, but also the user's own tests by file;
``xdist_group`` marks with ``loadgroup`` append the group to every node id, ``score.py::init_succeeds@score.py``,
in the summary and the JUnit file, and group nothing on pytest 9.2, whose node ids no longer come from
the attribute xdist 3.8 rewrites.) A ``--dist`` mode the user chose is left as it is.

Imported only by xdist's own hook, so xdist is installed when it is.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling


class ScriptScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist is untyped
    """``--dist load``, but the checks of one script are one unit of work."""

    def __init__(self, config: pytest.Config, log: Producer | None, is_script: Callable[[str], bool]) -> None:
        super().__init__(config, log)
        self.is_script = is_script

    def _split_scope(self, nodeid: str) -> str:
        # The extension point xdist's own loadfile and loadgroup schedulers override.
        file, separator, _ = nodeid.partition("::")
        return file if separator and self.is_script(file) else nodeid
