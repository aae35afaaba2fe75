"""The contract of a batch scoring script, one small pure function per sentence.

Each judges the import, init(), one run(mini_batch) call, or the whole evidence,
and returns a Violation or None; its docstring is the contract sentence the report
prints. What the runtime does with each outcome is in :mod:`.runtime`.
"""

from __future__ import annotations

import os

from ..core.observations import ImportResult, InitResult
from ..core.wording import counted, plural
from ..judging import checks as online
from ..judging.checks import Check, Violation
from .observations import BatchCall, BatchEvidence

#: Above this share of the per-mini-batch timeout, a slow call is a warning.
SLOW_SHARE = 0.5


def _files_named(call: BatchCall, limit: int = 8) -> str:
    if call.mini_batch.table is not None:
        return call.mini_batch.describe()
    names = [os.path.basename(path) for path in call.mini_batch.files]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more if names else "no files"


def script_imports(imported: ImportResult) -> Violation | None:
    """The script imports without raising, as the batch runtime's driver imports it: a
    module named after its file, the code folder first on sys.path, the driver's own
    arguments in sys.argv."""
    return online.module_imports(imported)


def init_succeeds(init: InitResult) -> Violation | None:
    """init(), when the script has one, returns without raising and within the init
    timeout; otherwise the worker process never scores a mini-batch."""
    violation = online.init_succeeds(init)
    if violation is None or init.death is not None:
        return violation
    details = init.error.traceback if init.error else ""
    if init.hint:
        details += f"\nhint: {init.hint}"
    return Violation(violation.headline, details, location=violation.location)


def run_takes_a_mini_batch(imported: ImportResult) -> Violation | None:
    """The script defines run(mini_batch), or run(mini_batch, mini_batch_context), callable
    as the batch runtime's driver calls it (init() is optional)."""
    if imported.definition_problem is None:
        return None
    return Violation(
        imported.definition_problem,
        "The batch runtime's driver calls run(mini_batch) with one list or DataFrame, and passes a"
        " mini_batch_context too to a run() that names a second parameter.",
    )


def run_handles_every_mini_batch(call: BatchCall) -> Violation | None:
    """run() returns for every mini-batch: without raising, within the runtime's
    per-mini-batch timeout, and without ending the worker process; otherwise the whole
    mini-batch fails and is retried."""
    if call.returned or call.not_called:
        return None
    files = _files_named(call)
    size, rules = call.mini_batch.size, call.rules
    items = "its only item counts" if size == 1 else f"every one of its {size} items counts"
    consequence = (
        f"The whole mini-batch fails ({files}): {items} as failed after"
        f" {counted(rules.max_retries, 'retry', 'retries')} (retry_settings.max_retries);"
        f" {rules.failed_items_cost(size)}."
    )
    if call.death is not None:
        return Violation(f"run() ended the worker process: it {call.death.describe()}", consequence)
    assert call.error is not None
    if call.timed_out:
        return Violation(
            f"run() did not return within the {call.elapsed:g} s mini-batch timeout",
            f"{consequence}\n" + _indented(call.error.traceback),
            location=call.error.location,
        )
    return Violation(
        f"run() raised {call.error.summary}",
        f"{consequence}\n" + _indented(call.error.traceback),
        location=call.error.location,
    )


def run_returns_a_list_or_dataframe(call: BatchCall) -> Violation | None:
    """run() returns a list (or tuple) or a pandas DataFrame for every mini-batch: the
    runtime refuses anything else and fails the mini-batch."""
    if not call.returned or call.accepted:
        return None
    hint = {
        "generator": "run() is a generator (it yields): return a list instead, e.g. `return [... for path in mini_batch]`.",
        "NoneType": "run() returned nothing: return one element (or row) per input.",
        "dict": "Return a list with one element per input, or a DataFrame with one row per input.",
    }.get(call.returned_type, "Return a list with one element per input, or a DataFrame with one row per input.")
    return Violation(
        f"run() returned a {call.returned_type}: the batch runtime takes only a list or a pandas DataFrame",
        "The runtime raises EntryScriptRunReturnWrongType (\"The run() method doesn't return a Pandas DataFrame or a"
        f' list") and the whole mini-batch fails ({_files_named(call)}).\n{hint}',
    )


def run_accounts_for_every_input(call: BatchCall) -> Violation | None:
    """run() returns at least one element (or row) per input of the mini-batch, and for
    several files at least as many as those files return each alone: the runtime counts
    every input without one as a failed item, and append_row writes only what run() returns."""
    if not call.returned or not call.accepted:
        return None
    rules, size = call.rules, call.mini_batch.size
    unit = "row" if call.mini_batch.table is not None else "file"
    returned = f"run() returned {counted(call.count, 'element')} for {size} input {plural(size, unit)}"
    written = f"what append_row would write to {rules.output_file}:\n" + _indented(call.written.rstrip() or "(nothing)")
    if call.count < size:
        if not rules.appends and rules.error_threshold < 0:
            return None  # summary_only and no threshold: the count is not used (a run() may return [])
        failed = size - call.count
        missing = _not_mentioned(call)
        dropped = f"\nno output line names {missing}" if missing else ""
        return Violation(
            f"{returned}: {failed} counted as failed",
            "The runtime counts one succeeded item per returned element (or row), up to the number of inputs; the"
            f" rest are failed items, not retried; {rules.failed_items_cost(failed)}."
            + (f"{dropped}\n{written}" if rules.appends else ""),
        )
    expected = sum(call.alone)
    if rules.appends and call.alone and call.count < expected:
        each = " + ".join(str(n) for n in call.alone)
        return Violation(
            f"{returned}, but {expected} for the same files each run alone: {expected - call.count} missing",
            f"Each file alone gave {each} = {expected}; together they must give at least as many, or"
            f" {rules.output_file} loses lines (a loop that keeps only the last file's result?). The runtime"
            f" cannot tell: {call.count} elements for {size} inputs count as {size} succeeded items.\n{written}",
        )
    return None


def _not_mentioned(call: BatchCall) -> str:
    """The inputs whose name appears in no output line (a loop that keeps only the last file)."""
    if call.mini_batch.table is not None or not call.written:
        return ""
    names = [os.path.basename(path) for path in call.mini_batch.files]
    stems = [os.path.splitext(name)[0] for name in names]
    if not any(stem and stem in call.written for stem in stems):
        return ""  # the output does not name its inputs at all: nothing to tell
    missing = [name for name, stem in zip(names, stems, strict=True) if stem not in call.written]
    return ", ".join(missing[:8])


def output_rows_are_readable(call: BatchCall) -> Violation | None:
    """The elements run() returns are written as readable lines: not dicts, tuples,
    arrays or multi-line strings, which the runtime writes as their Python str()."""
    if not call.returned or not call.unreadable or not call.rules.appends:
        return None  # summary_only writes no output file
    return Violation(
        "run() returned elements that the output file holds as Python reprs, not readable values",
        'append_row writes each element with "{}\\n".format(element):\n'
        + "\n".join(f"  {problem}" for problem in call.unreadable)
        + "\nReturn a pandas DataFrame (one row per input, one column per value) or strings you format yourself.",
    )


def run_writes_only_to_the_output_folder(call: BatchCall) -> Violation | None:
    """run() writes files only into the output folder the runtime gives
    (AZUREML_BI_OUTPUT_PATH), never into the input, code or working folder."""
    if not call.stray_files:
        return None
    where = {
        "input": "the input folder (a read-only mount in the job)",
        "code": "the code folder",
        "working": "the working folder (a temporary folder the runtime discards)",
    }
    lines = [f"  {os.path.basename(path)} in {where.get(kind, kind)}" for kind, path in call.stray_files]
    return Violation(
        f"run() wrote {len(call.stray_files)} file(s) outside the output folder",
        "\n".join(lines)
        + "\nWrite into os.environ['AZUREML_BI_OUTPUT_PATH'], one file per input (every worker writes there at once).",
    )


def init_runs_once(call: BatchCall) -> Violation | None:
    """init() runs once per worker process, before its first mini-batch; run() never calls it again."""
    if call.init_calls == 0:
        return None
    return Violation(
        "run() called init() once more while handling a mini-batch",
        "The runtime calls init() once per process; loading the model again on every mini-batch multiplies the"
        " job's time.",
    )


def mini_batches_are_repeatable(call: BatchCall) -> Violation | None:
    """The same mini-batch gives the same output when it is run again, as it is when
    the runtime retries it."""
    if call.changed is None:
        return None
    return Violation(
        "the same mini-batch gave a different output the second time",
        f"mini-batch: {_files_named(call)}\n{call.changed}\nA retried mini-batch writes its rows again: state kept"
        " between mini-batches (a global appended to), or randomness left unseeded.",
    )


def mini_batches_finish_in_time(evidence: BatchEvidence) -> Violation | None:
    """No mini-batch takes more than half of the runtime's per-mini-batch timeout: a
    busier node, or a full mini_batch_size, would time out."""
    slow = [c for c in evidence.calls if c.returned and c.elapsed > SLOW_SHARE * evidence.timeout]
    if not slow:
        return None
    worst = max(slow, key=lambda c: c.elapsed)
    return Violation(
        f"a mini-batch took {worst.elapsed:.3g} s, more than half of the {evidence.timeout:g} s mini-batch timeout",
        f"mini-batch: {_files_named(worst)}\nA timed-out mini-batch is retried and then fails"
        " (retry_settings.timeout, retry_settings.max_retries).",
    )


def _indented(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


BATCH_CHECKS: tuple[Check, ...] = (
    Check(script_imports, "import"),
    Check(run_takes_a_mini_batch, "definition"),
    Check(init_succeeds, "init"),
    Check(run_handles_every_mini_batch, "call"),
    Check(run_returns_a_list_or_dataframe, "call"),
    Check(run_accounts_for_every_input, "call"),
    Check(output_rows_are_readable, "call", advisory=True),
    Check(run_writes_only_to_the_output_folder, "call"),
    Check(init_runs_once, "call"),
    Check(mini_batches_are_repeatable, "repeat"),
    Check(mini_batches_finish_in_time, "session", advisory=True),
)
