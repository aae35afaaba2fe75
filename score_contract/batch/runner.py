"""One batch script's evidence: a worker set up as the batch runtime's, its import
and init(), every mini-batch, and the first ones run again.

The worker runs in a temporary working folder (the runtime's workers leave the
code folder), with ``AZUREML_BI_OUTPUT_PATH`` pointing at an output folder of its
own and the driver's arguments in ``sys.argv``. A worker that dies is replaced, as
the runtime replaces a process, at most MAX_RESTARTS times.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from ..config.settings import Settings
from ..core.observations import Death
from ..core.wording import counted
from ..isolation.sandbox import Sandbox
from ..pipeline.context import RunContext
from ..pipeline.run import WorkerRun, as_death
from ..planning.script import Script
from . import minibatches, runtime
from .configured import batch_settings
from .observations import BatchCall, BatchEvidence, MiniBatch

MAX_RESTARTS = 5
#: Earlier mini-batches run again at the end, as a retry would.
REPEATS = 3


class BatchRun(WorkerRun):
    """One batch script's evidence: a worker set up as the runtime's, every mini-batch, the first ones again."""

    init_command = "batch_init"

    def __init__(self, script: Script, settings: Settings, context: RunContext) -> None:
        super().__init__(script, settings, context)
        self._folder = Path(tempfile.mkdtemp(prefix="score-contract-batch-"))
        deployment = script.target.deployment if script.target is not None else None
        self.batch = batch_settings(settings, deployment, self._folder / "outputs")
        self.output_dir = self._folder / "output"
        self.working_dir = self._folder / "working"
        self.output_dir.mkdir()
        self.working_dir.mkdir()
        self._calls: tuple[BatchCall, ...] | None = None
        self._planned: minibatches.Planned | None = None
        self._restarts = 0
        #: Where the mini-batches' files are: run() must not write there.
        self._input_folders: list[Path] = []

    # -- lifecycle -------------------------------------------------------------

    def _spawn(self) -> Sandbox:
        env = runtime.batch_environment(os.environ, self.settings.model_dir, self.output_dir)
        sandbox = Sandbox(
            self.script.path,
            self.script.app_root,
            None,
            env=env,
            cwd=self.working_dir,
            python=self.deployed.python,
            variables=self.deployed.variables(),
            coverage=self.measurement.request(self.deployed) if self.measurement is not None else None,
        )
        argv = runtime.driver_argv(self.script.path, self.batch, self.output_dir, self._folder / "input")
        sandbox.ask_async(
            "batch_load", str(self.script.path), str(self.script.app_root), argv, self.settings.init_timeout
        )
        self._sandbox = sandbox
        return sandbox

    def close(self) -> None:
        self._end_workers()
        shutil.rmtree(self._folder, ignore_errors=True)

    # -- the mini-batches ------------------------------------------------------

    def planned(self) -> minibatches.Planned:
        if self._planned is None:
            shown = self.script.samples_origin or "the samples"
            if self.batch.inputs == "tabular":
                self._planned = minibatches.plan_tables(
                    self.script.samples_path, min(self.settings.examples, 20), self.settings.seed, shown
                )
            else:
                self._planned = minibatches.plan_files(
                    self.script.samples_path,
                    self.batch.mini_batch_size,
                    self._folder,
                    shown,
                    minibatches.edges_folder(self.script.path),
                )
            self.notes += self._planned.notes
            self._input_folders = list(self._planned.input_folders)
        return self._planned

    def calls(self) -> tuple[BatchCall, ...]:
        if self._calls is None:
            init = self.initialized()
            calls: list[BatchCall] = []
            if init is not None and init.ok:
                for mini_batch in self.planned().mini_batches:
                    calls.append(self._send(mini_batch))
                calls = with_alone_counts(calls)
                calls += self._send_again(calls)
            self._calls = tuple(calls)
            if self._sandbox is not None:
                self._sandbox.close()
                self._sandbox = None
        return self._calls

    def send_one(self, mini_batch: MiniBatch) -> BatchCall:
        """One mini-batch of the user's own files (score-contract replay --batch)."""
        self.initialized()
        self._input_folders = sorted({Path(f).parent for f in mini_batch.files})
        return self._send(mini_batch)

    def _watched(self) -> tuple[tuple[str, str], ...]:
        folders = [("input", str(folder)) for folder in self._input_folders]
        folders.append(("code", str(self.script.app_root)))
        folders.append(("working", str(self.working_dir)))
        return tuple(folders)

    def _send(self, mini_batch: MiniBatch, phase: str = "batch") -> BatchCall:
        if self._sandbox is None:
            if self._restarts >= MAX_RESTARTS:
                return BatchCall(mini_batch, death=Death(last_output="not run: the worker died too often"))
            self._restarts += 1
            self._boot()
        assert self._sandbox is not None
        offset = self._sandbox.log_size()
        index = sum(self.sent.values())  # the mini_batch_context's minibatch_index
        reply = self._sandbox.ask(
            "batch_call", mini_batch, self.batch.timeout, self._watched(), index, timeout=self.batch.timeout
        )
        self.sent[phase] += 1
        if not isinstance(reply, BatchCall):
            self._sandbox.close()
            self._sandbox = None  # the next mini-batch goes to a replacement worker
            return BatchCall(mini_batch, death=as_death(reply), rules=self.batch.rules)
        return replace(reply, output=self._sandbox.output_since(offset), rules=self.batch.rules)

    def _send_again(self, calls: list[BatchCall]) -> list[BatchCall]:
        again = []
        chosen = [i for i, call in enumerate(calls) if call.returned and call.accepted][:REPEATS]
        for index in chosen:
            call = replace(self._send(calls[index].mini_batch, "repeat"), phase="repeat", repeat_of=index)
            first = calls[index]
            if call.returned and self.batch.rules.appends and call.written != first.written:
                call = replace(call, changed=_difference(first.written, call.written))
            elif call.returned and call.count != first.count:
                # summary_only: what the elements hold is ignored; how many there are is what counts.
                counts = f"the first time {counted(first.count, 'element')}, the second time {call.count}"
                call = replace(call, changed=counts)
            again.append(call)
        return again

    def evidence(self) -> BatchEvidence:
        return BatchEvidence(self._imported, self._init, self._calls or (), self.batch.timeout)


def with_alone_counts(calls: list[BatchCall]) -> list[BatchCall]:
    """Each call of several files, with what each of its files returned when run alone (when all were)."""
    alone = {
        call.mini_batch.files[0]: call.count
        for call in calls
        if call.mini_batch.size == 1 and call.mini_batch.table is None and call.returned and call.accepted
    }
    found = []
    for call in calls:
        files = call.mini_batch.files
        if call.mini_batch.table is None and len(files) > 1 and all(f in alone for f in files):
            call = replace(call, alone=tuple(alone[f] for f in files))
        found.append(call)
    return found


def _difference(first: str, again: str) -> str:
    """The first output line that differs, both ways."""
    a, b = first.splitlines(), again.splitlines()
    for number, (one, two) in enumerate(zip(a, b, strict=False), 1):
        if one != two:
            return f"line {number} was: {one[:200]}\n  then: {two[:200]}"
    return f"the first time {len(a)} lines, the second time {len(b)}"
