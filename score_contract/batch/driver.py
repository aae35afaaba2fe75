"""Inside the worker process: import a batch script and call it as the runtime's
driver does (see :mod:`.runtime` for the facts).

The worker was started with the batch environment (``AZUREML_BI_OUTPUT_PATH``,
``AZUREML_MODEL_DIR``, the deployment's variables) in a temporary working folder;
here ``sys.argv`` becomes the driver's, the code folder goes first on ``sys.path``
and the script is imported as a module named after its file. Each call is bounded
by SIGALRM like the online calls, and the folders that are not the output folder
are compared before and after it, to see what run() wrote where it should not.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from ..core.files import Listing, changed, listing
from ..core.observations import ImportResult, InitResult
from ..serving import calling, tracebacks
from . import runtime
from .context import MiniBatchContext, passes_context
from .observations import BatchCall, MiniBatch


class BatchDriver:
    def __init__(self) -> None:
        self.module: ModuleType | None = None
        self.roots: tuple[str, ...] = ()
        self.init_calls = [0]
        self.script = ""
        #: run(mini_batch, mini_batch_context): the driver passes a context too.
        self.with_context = False

    def load(self, script: str, code_dir: str, argv: list[str], timeout: float) -> ImportResult:
        self.script = script
        self.roots = tuple(dict.fromkeys((os.path.realpath(code_dir), os.path.dirname(os.path.realpath(script)))))
        sys.argv = list(argv)
        sys.path.insert(0, code_dir)
        name = Path(script).stem
        started = time.perf_counter()
        spec = importlib.util.spec_from_file_location(name, script)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # imported by name from the code folder, as importlib.import_module does
        try:
            with calling.deadline(timeout):
                spec.loader.exec_module(module)
        except calling.Deadline as exc:
            error = calling.timeout_error(exc, self.roots, timeout)
            return ImportResult(error=error, timed_out=True, elapsed=timeout)
        except BaseException as exc:
            return ImportResult(
                error=tracebacks.describe(exc, self.roots),
                hint=argv_hint(exc),
                elapsed=time.perf_counter() - started,
            )
        elapsed = time.perf_counter() - started
        self.module = module
        run = getattr(module, "run", None)
        problem = definition_problem(run)
        self.with_context = problem is None and passes_context(run)
        code = getattr(inspect.unwrap(run), "__code__", None) if callable(run) else None
        self._count_init_calls()
        return ImportResult(
            definition_problem=problem,
            parameters=tuple(inspect.signature(run).parameters) if problem is None and run is not None else (),
            elapsed=elapsed,
            run_line=code.co_firstlineno if code is not None and code.co_filename == script else 0,
        )

    def _count_init_calls(self) -> None:
        assert self.module is not None
        original = getattr(self.module, "init", None)
        if not callable(original):
            return
        counter = self.init_calls

        def init(*args: Any, **kwargs: Any) -> Any:
            counter[0] += 1
            return original(*args, **kwargs)

        init.__wrapped__ = original  # type: ignore[attr-defined]
        setattr(self.module, "init", init)  # noqa: B010 - the script's own module attribute

    def init(self, timeout: float) -> InitResult:
        """The driver calls init(), when the script has one, before the process's first run()."""
        assert self.module is not None
        init = getattr(self.module, "init", None)
        if not callable(init):
            return InitResult()
        started = time.perf_counter()
        try:
            with calling.deadline(timeout):
                init()
        except calling.Deadline as exc:
            return InitResult(error=calling.timeout_error(exc, self.roots, timeout), timed_out=True, elapsed=timeout)
        except BaseException as exc:
            return InitResult(
                error=tracebacks.describe(exc, self.roots), hint=argv_hint(exc), elapsed=time.perf_counter() - started
            )
        finally:
            self.init_calls[0] = 0  # the driver's own call is not one of run()'s
        return InitResult(elapsed=time.perf_counter() - started)

    def call(
        self, mini_batch: MiniBatch, timeout: float, watched: tuple[tuple[str, str], ...], index: int = 0
    ) -> BatchCall:
        """run(mini_batch) as ``ScoreWrapper.run`` calls it (with a mini_batch_context, the
        ``index``-th, when run() takes one); ``watched``: (kind, folder) pairs that run() must not
        write into (the input folders, the code folder, the working folder)."""
        assert self.module is not None
        if mini_batch.table is not None and len(mini_batch.table) == 0:
            return BatchCall(mini_batch, not_called=True)
        argument: object = mini_batch.table if mini_batch.table is not None else list(mini_batch.files)
        context = MiniBatchContext(index, mini_batch.table) if self.with_context else None
        before = {folder: listing(folder) for _, folder in watched}
        self.init_calls[0] = 0
        started = time.perf_counter()
        try:
            with calling.deadline(timeout):
                value = self.module.run(argument) if context is None else self.module.run(argument, context)
        except calling.Deadline as exc:
            return BatchCall(
                mini_batch,
                error=calling.timeout_error(exc, self.roots, timeout),
                timed_out=True,
                elapsed=timeout,
                context_guessed=_guessed(context),
            )
        except BaseException as exc:
            return BatchCall(
                mini_batch,
                error=tracebacks.describe(exc, self.roots),
                elapsed=time.perf_counter() - started,
                init_calls=self.init_calls[0],
                stray_files=_stray(before, watched),
                context_guessed=_guessed(context),
            )
        elapsed = time.perf_counter() - started
        judged = runtime.returned(value)
        return BatchCall(
            mini_batch,
            returned_type=judged.type_name,
            accepted=judged.accepted,
            count=judged.count,
            written=judged.written,
            unreadable=judged.unreadable,
            elapsed=elapsed,
            init_calls=self.init_calls[0],
            stray_files=_stray(before, watched),
            context_guessed=_guessed(context),
        )


def _guessed(context: MiniBatchContext | None) -> str:
    return ", ".join(dict.fromkeys(context.guessed)) if context is not None else ""


def definition_problem(run: object) -> str | None:
    """Why the driver could not call ``run(mini_batch)``, or None."""
    if run is None:
        return "the script defines no run(mini_batch) function"
    if not callable(run):
        return f"run is a {type(run).__name__}, not a function"
    try:
        signature = inspect.signature(run)
    except (TypeError, ValueError):
        return None
    for arguments in ((None,), (None, None)):
        try:
            signature.bind(*arguments)
            return None
        except TypeError:
            continue
    return (
        f"run{signature} cannot be called as run(mini_batch) nor as run(mini_batch, mini_batch_context):"
        " the driver passes one argument, or two to a run() that names a second parameter"
    )


def argv_hint(exc: BaseException) -> str:
    """argparse ended the process: it met the driver's own arguments."""
    if not isinstance(exc, SystemExit) or exc.code != 2:
        return ""
    frames = [frame.filename for frame in __import__("traceback").extract_tb(exc.__traceback__)]
    if not any(name.endswith("argparse.py") for name in frames):
        return ""
    return (
        "argparse exited: the batch runtime runs your script inside"
        " its driver, whose sys.argv holds the driver's own arguments (--client_sdk_version, --mini_batch_size,"
        " --output, ...) and no arguments of yours unless the job passes them (a batch deployment passes none:"
        " use its environment_variables). Parse with parser.parse_known_args() and"
        " ArgumentParser(allow_abbrev=False), and give every argument a default."
    )


def _stray(before: dict[str, Listing | None], watched: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    stray = [(kind, path) for kind, folder in watched for path in changed(before.get(folder), folder)]
    return tuple(stray[:10])
