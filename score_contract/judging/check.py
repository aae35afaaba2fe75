"""What a check is: a small pure function over one observation, returning a Violation or None, with the phase
that says what it judges. Its docstring is the contract sentence shown in failure reports."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..core.observations import Body

#: What a check judges: the import, init(), each call with a valid body, each
#: call with an invalid body, each body sent again, or the whole evidence.
Phase = Literal[
    "import",
    "definition",
    "init",
    "call",
    "invalid",
    "repeat",
    "session",
    # --score-server: the official server's boot, each valid and invalid body over HTTP, the whole exchange.
    "server-boot",
    "server-valid",
    "server-invalid",
    "server-session",
    # A deployment spec's files, the environment it declares, init() against its probes (score_contract.environments).
    "deployment",
    "environment",
    "probe",
    # --score-latency-p99 / --score-max-memory: the figures of every call (score_contract.judging.budgets).
    "budget",
    # --score-cov-fail-under: the lines and branches the whole run reached (score_contract.coverage).
    "coverage",
    # --score-baseline / --score-traffic: each body's answers compared with the old version's or production's.
    "comparison",
]


@dataclass(frozen=True)
class Violation:
    """One breach of the contract."""

    headline: str
    details: str = ""
    body: Body | None = None
    location: str = ""
    #: What the report calls ``body``: the smallest one that fails, unless a check says otherwise.
    label: str = ""
    #: Worth a warning, not a failure, although the check is not advisory (see run_does_not_hide_errors).
    warning: bool = False


@dataclass(frozen=True)
class Check:
    judge: Callable[..., Violation | None]
    phase: Phase
    #: A breach is worth a warning, not a failure.
    advisory: bool = False
    #: Each call is judged against the other answers too: ``judge(call, calls)``.
    compared: bool = False

    @property
    def name(self) -> str:
        return self.judge.__name__

    @property
    def sentence(self) -> str:
        return " ".join(inspect.cleandoc(self.judge.__doc__ or "").split())
