"""What is observed of a batch script: the mini-batches sent and what came of each.

Plain data, pickled across the worker's pipe; no behaviour beyond describing itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

from ..core.observations import Death, ImportResult, InitResult, ScriptError
from ..core.wording import counted
from .runtime import JobRules

BatchPhase = Literal["batch", "repeat"]


@dataclass(frozen=True)
class MiniBatch:
    """One mini-batch: file paths (absolute, as the runtime passes them) or a DataFrame."""

    files: tuple[str, ...] = ()
    #: A pandas DataFrame, for tabular inputs.
    table: Any = None
    #: How it was made: "samples 1-10 of 23", "an empty file", "a DataFrame generated from iris.csv".
    source: str = ""
    #: The sample files it was made from (for a replay command), relative to where the user ran.
    made_from: tuple[str, ...] = ()
    #: What score-contract made up in it, when none of the user's samples is like it ("an empty file"):
    #: a failure found only on such mini-batches is a warning.
    made_up: str = ""

    @property
    def size(self) -> int:
        """Inputs, as the runtime counts items: files, or rows."""
        return len(self.table) if self.table is not None else len(self.files)

    def describe(self, limit: int = 6) -> str:
        if self.table is not None:
            columns = ", ".join(str(c) for c in list(self.table.columns)[:8])
            return f"a DataFrame of {counted(len(self.table), 'row')} ({columns})"
        names = [os.path.basename(path) for path in self.files]
        shown = ", ".join(names[:limit]) + (f", … ({len(names)} files)" if len(names) > limit else "")
        return f"[{shown}]" if names else "[] (no files)"


@dataclass(frozen=True)
class BatchCall:
    """One run(mini_batch) call, and everything that came of it."""

    mini_batch: MiniBatch
    phase: BatchPhase = "batch"
    #: The type run() returned ("list", "generator", "pandas.core.frame.DataFrame").
    returned_type: str = ""
    #: A list, a tuple or a DataFrame: the runtime takes it.
    accepted: bool = False
    #: Elements or rows returned.
    count: int = 0
    #: What append_row would write (its first characters).
    written: str = ""
    unreadable: tuple[str, ...] = ()
    error: ScriptError | None = None
    timed_out: bool = False
    death: Death | None = None
    elapsed: float = 0.0
    #: Calls of init() made while run() handled this mini-batch.
    init_calls: int = 0
    #: Files run() created or changed outside the output folder: (folder kind, path).
    stray_files: tuple[tuple[str, str], ...] = ()
    #: An empty DataFrame: the runtime does not call run() at all.
    not_called: bool = False
    #: Index of the call this one repeats (phase "repeat"), and how its output differs from it.
    repeat_of: int = -1
    changed: str | None = None
    #: What the script printed during the call.
    output: str = ""
    #: What the job makes of the outcome (output_action, error_threshold...), set by the runner.
    rules: JobRules = JobRules()
    #: For a mini-batch of several files: the elements (or rows) each file gave alone, in its order;
    #: empty when not every file was run alone.
    alone: tuple[int, ...] = ()
    #: What the script read of the mini_batch_context that score-contract made up ("dataset").
    context_guessed: str = ""

    @property
    def returned(self) -> bool:
        return self.error is None and self.death is None and not self.timed_out and not self.not_called

    @property
    def guessed(self) -> str:
        """What score-contract made up for this call (a file, a context's value), or ""."""
        if self.mini_batch.made_up:
            return self.mini_batch.made_up
        if self.context_guessed:
            return f"the mini_batch_context's {self.context_guessed}"
        return ""


@dataclass(frozen=True)
class BatchEvidence:
    imported: ImportResult | None = None
    initialized: InitResult | None = None
    calls: tuple[BatchCall, ...] = ()
    #: The per-mini-batch timeout the calls ran under.
    timeout: float = 30.0
