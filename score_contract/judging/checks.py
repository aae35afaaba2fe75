"""The contract of an online script: small pure functions that judge what was observed.

Each check takes one observation — the import, the init() call, one call of
run(), or the whole evidence of a script — and returns a Violation or None (see
:mod:`.check`). Its docstring is the contract sentence shown in failure reports.
``CHECKS`` lists them in the order they run; there is no registry. What run()
answers is judged by :mod:`.output_checks`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.compare import changes, differences
from ..core.observations import VALID_AND_VARIED, Call, Caught, Death, Evidence, ImportResult, InitResult
from .answers import (
    answer_value,
    carried_at,
    error_report,
    leaf_values,
    report_at,
    result_beside,
)
from .check import Check as Check
from .check import Phase as Phase
from .check import Violation as Violation
from .output_checks import (
    output_is_json_encodable,
    output_is_not_double_encoded,
    output_is_strict_json,
    output_matches_schema,
    preview,
    response_status_is_2xx,
)


def _with_hint(text: str, hint: str) -> str:
    return f"{text}\nhint: {hint}" if hint else text


def module_imports(imported: ImportResult) -> Violation | None:
    """The script imports without raising, the way the server imports it (as module
    entry_module, with the app root at the end of sys.path)."""
    if imported.death is not None:
        return Violation(
            f"importing the script ended the worker process: it {imported.death.describe()}",
            details=_last_output(imported.death.last_output),
        )
    if imported.error is not None:
        if imported.timed_out:
            headline = f"importing the script did not finish in time ({imported.elapsed:g} s)"
        else:
            headline = f"importing the script raised {imported.error.summary}"
        return Violation(
            headline, _with_hint(imported.error.traceback, imported.hint), location=imported.error.location
        )
    return None


def defines_init_and_run(imported: ImportResult) -> Violation | None:
    """The script defines init() and run(), and run() takes its input the way the
    server passes it: no *args, **kwargs or positional-only parameters, an input
    parameter besides request_headers, not both @rawhttp and @input_schema."""
    if imported.definition_problem is not None:
        return Violation(imported.definition_problem, _with_hint("", imported.hint).strip())
    return None


def import_does_not_call_init(imported: ImportResult) -> Violation | None:
    """Importing the script does not call init(): the server calls init() itself,
    once, right after the import."""
    if imported.init_calls:
        times = "once" if imported.init_calls == 1 else f"{imported.init_calls} times"
        return Violation(
            f"importing the script called init() {times}; the server calls it again after the import",
            "Remove the module-level init() call (keep it under `if __name__ == '__main__':` if you need it).",
        )
    return None


def init_succeeds(init: InitResult) -> Violation | None:
    """init() returns without raising and within the init timeout; otherwise the
    server's worker exits with code 3 and the deployment never becomes ready."""
    if init.death is not None:
        if init.death.exit_code in (3, 4):
            note = _death_note(init.death)
        else:
            # Measured: a segfault or os._exit(0/1) in init gives an endless respawn loop.
            note = "The server restarts such a worker forever and never becomes ready.\n"
        return Violation(
            f"init() ended the worker process: it {init.death.describe()}",
            note + _last_output(init.death.last_output),
        )
    if init.error is not None:
        if init.timed_out:
            headline = f"init() did not return within {init.elapsed:.3g} s"
        else:
            headline = f"init() raised {init.error.summary}"
        return Violation(headline, _with_hint(init.error.traceback, init.hint), location=init.error.location)
    return None


def run_accepts_valid_input(call: Call) -> Violation | None:
    """run() returns for every valid request body: without raising, within the
    per-call timeout, and without ending the worker process."""
    if call.death is not None:
        return Violation(
            f"run() ended the worker process: it {call.death.describe()}",
            _death_note(call.death) + _last_output(call.death.last_output),
            body=call.body,
        )
    if call.error is None:
        return None
    if call.timed_out:
        headline = f"run() did not return within {_late(call)}"
    elif call.escaped:
        headline = (
            f"run() raised {call.error.summary}, which the server does not handle: gunicorn answers a bare HTML 500"
        )
    else:
        headline = call.error.summary
    details = call.error.traceback + _init_caught_note(call.init_caught)
    return Violation(headline, details, body=call.body, location=call.error.location)


def _late(call: Call) -> str:
    """The timeout a call ran past, and, when run() returned after it, when: the limit is not
    the time taken (a run() that swallowed the server's TimeoutError returns after it)."""
    if not call.timeout:
        return f"the timeout (after {call.elapsed:.3g} s)"
    limit = f"the {call.timeout:g} s timeout"
    # Stopped at the deadline, elapsed is the deadline itself (see calling._invoke).
    return limit if call.elapsed <= call.timeout else f"{limit} (it returned after {call.elapsed:.3g} s)"


def _init_caught_note(caught: tuple[Caught, ...]) -> str:
    """init() caught something and went on: the likely cause of what run() does next."""
    if not caught:
        return ""
    first = caught[0]
    return f"\nlikely cause: init() caught {first.error.summary} ({first.where}) and went on:\n" + _indented(
        first.error.traceback
    )


def _indented(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


_HIDDEN_REMEDY = (
    "A 200 tells the client, and the endpoint's metrics, that all went well. Let the exception propagate"
    " (the server answers 500 and logs its traceback), or answer a 4xx for input run() cannot take"
    " (return AMLResponse(message, 400))."
)


def run_does_not_hide_errors(call: Call, answers: Sequence[Call] = ()) -> Violation | None:
    """run() does not hide a failure in a successful answer: when it catches an exception
    while handling a valid request body, its 2xx answer does not replace the result with
    that exception (its text or class name) or an error report. An answer that carries
    the whole result and mentions the exception beside it is worth a warning only."""
    response = call.response
    if response is None or call.error is not None or not 200 <= response.status < 300:
        return None
    value = answer_value(response)
    if not call.caught:
        return _init_failure_reported(call, value)
    found = next(((c, at) for c in call.caught if (at := carried_at(value, c.error))), None)
    report = report_at(value)
    if found is None and report is not None:
        found = (call.caught[0], report)
    if found is None:
        return None
    caught, (where, how) = found
    answer = f"the answer: HTTP {response.status} {preview(call)}"
    kept = result_beside(value, where, answers)
    if kept is not None:
        return Violation(
            f"run() caught {caught.error.summary} and mentioned it in an answer that carries the whole result",
            f"the body: {_short(call.body.text)}\n{answer}\n"
            f"it mentions the exception: its {how}, beside what answers where nothing was caught hold"
            f" ({kept})\ncaught in {caught.where}:\n"
            + _indented(caught.error.traceback)
            + "\nIf the exception is a fallback run() meant (a default for a key left out), this can be ignored.",
            body=call.body,
            location=caught.error.location,
            warning=True,
        )
    why = f"its {how}" if how.startswith(("text at", "class name")) else how
    return Violation(
        f"run() caught {caught.error.summary} and answered {response.status} with it",
        f"{answer}\nit carries the exception: {why}\ncaught in {caught.where}:\n"
        + _indented(caught.error.traceback)
        + _init_caught_note(call.init_caught)
        + f"\n{_HIDDEN_REMEDY}",
        body=call.body,
        location=caught.error.location,
    )


def _init_failure_reported(call: Call, value: object) -> Violation | None:
    """run() caught nothing, but answers an error report after init() caught something (a model
    that did not load): the failure init() hid is hidden again. A class label that reads "error"
    is no such report: only an error key, a failed envelope or an exception's text counts."""
    if not call.init_caught:
        return None
    report = error_report(value, strict=True)
    if report is None:
        return None
    first = call.init_caught[0]
    response = call.response
    assert response is not None
    return Violation(
        f"run() answered {response.status} with an error report after init() caught {first.error.summary}",
        f"the answer: HTTP {response.status} {preview(call)}\n{report}"
        + _init_caught_note(call.init_caught)
        + f"\n{_HIDDEN_REMEDY}",
        body=call.body,
        location=first.error.location,
    )


def run_handles_invalid_input(call: Call) -> Violation | None:
    """An invalid request body (wrong types, missing or unknown keys, malformed
    JSON, an empty body, a bare value) may make run() raise or answer 4xx, but
    must not hang it or end the worker process."""
    if call.death is not None:
        return Violation(
            f"an invalid body ended the worker process: it {call.death.describe()}",
            _death_note(call.death) + _last_output(call.death.last_output),
            body=call.body,
        )
    if call.timed_out and call.error is not None:
        return Violation(
            f"an invalid body made run() hang past {_late(call)}",
            call.error.traceback,
            body=call.body,
            location=call.error.location,
        )
    if call.escaped and call.error is not None:
        return Violation(
            f"an invalid body made run() raise {call.error.summary}, which the server does not handle",
            call.error.traceback,
            body=call.body,
        )
    return None


def answers_are_repeatable(call: Call) -> Violation | None:
    """The same valid request body gets the same answer: sent twice in a row, and
    again later, after other requests, valid and invalid, went through the worker
    (values that change by themselves, such as timings and ids, aside)."""
    if call.death is not None:
        return Violation(
            f"sending an earlier body again ended the worker process: it {call.death.describe()}",
            _last_output(call.death.last_output),
            body=call.body,
        )
    if call.changed is None:
        return None
    if call.back_to_back:
        return Violation(
            f"the same body sent twice in a row got different answers: {call.changed}",
            "Nothing else happened in between: run() is not deterministic (dropout or sampling left on at"
            " inference, an unseeded random generator). Paths that are meant to change go in"
            " --score-volatile-keys (times, durations and ids are recognised by themselves).",
            body=call.body,
        )
    return Violation(
        f"the same body got a different answer the second time: {call.changed}",
        "Something run() keeps between requests changed its answer (state, caching)."
        " Paths that are meant to change go in --score-volatile-keys (times, durations and ids are recognised"
        " by themselves).",
        body=call.body,
    )


def init_runs_once(evidence: Evidence) -> Violation | None:
    """init() runs exactly once in a worker's life: the server calls it at boot,
    and run() never calls it again."""
    for call in sorted(evidence.calls, key=lambda c: len(c.body.data)):
        if call.init_calls:
            times = "once" if call.init_calls == 1 else f"{call.init_calls} times"
            return Violation(
                f"run() called init() {times} more while handling a request",
                "The server has already called init() at boot; calling it from run() reloads the model per request.",
                body=call.body,
            )
    return None


#: How many distinct valid bodies must all get one answer before run() looks blind to its input ...
SAME_ANSWER_BODIES = 8
#: ... holding how many different sets of values at least.
DISTINCT_VALUES = 2


def run_uses_its_input(evidence: Evidence) -> Violation | None:
    """run() answers from its input: distinct valid request bodies, holding different
    values, do not all get one and the same answer (times, durations and ids aside)."""
    answered: dict[bytes, Call] = {}
    for call in evidence.calls:
        response = call.response
        if call.phase not in VALID_AND_VARIED or call.error is not None or response is None:
            continue
        if not 200 <= response.status < 300:
            return None
        answered.setdefault(call.body.method.encode() + call.body.target.encode() + call.body.data, call)
    if len(answered) < SAME_ANSWER_BODIES:
        return None
    # Bodies that differ only in their shape (5 and 5.0, the same rows once or twice) may carry the same
    # values: a model that reads them answers alike, whatever it does. Values must vary before concluding.
    valued = {values for call in answered.values() if (values := leaf_values(call.body))}
    if len(valued) < DISTINCT_VALUES and not any(leaf_values(call.body) is None for call in answered.values()):
        return None
    calls = sorted(answered.values(), key=lambda c: len(c.body.data))
    first = calls[0].response
    assert first is not None
    for call in calls[1:]:
        assert call.response is not None
        if changes(differences(first, call.response), evidence.volatile):
            return None
    if run_does_not_hide_errors(calls[0]) is not None:
        return None  # the same error every time: run_does_not_hide_errors says so, with its cause
    return Violation(
        f"run() gave the same answer to all {len(calls)} distinct valid bodies: it seems to ignore its input",
        f"the answer, every time: HTTP {first.status} {preview(calls[0])}\n"
        f"the largest of those bodies: {_short(calls[-1].body.text)}\n"
        "An answer that never changes usually means run() answers before it reaches the model: a placeholder,"
        " an error message, a cached result, or a model that init() did not load. If the model really gives"
        " one answer to all of these bodies, this warning can be ignored; samples that should get different"
        " answers make it go away.",
        body=calls[0].body,
    )


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


CHECKS: tuple[Check, ...] = (
    Check(module_imports, "import"),
    Check(defines_init_and_run, "definition"),
    Check(import_does_not_call_init, "definition"),
    Check(init_succeeds, "init"),
    Check(run_accepts_valid_input, "call"),
    Check(run_does_not_hide_errors, "call", compared=True),
    Check(response_status_is_2xx, "call"),
    Check(output_is_json_encodable, "call"),
    Check(output_is_strict_json, "call"),
    Check(output_matches_schema, "call"),
    Check(output_is_not_double_encoded, "call", advisory=True),
    Check(run_handles_invalid_input, "invalid"),
    Check(answers_are_repeatable, "repeat"),
    Check(init_runs_once, "session"),
    Check(run_uses_its_input, "session", advisory=True),
)


def _death_note(death: Death) -> str:
    if death.exit_code in (3, 4):
        # gunicorn's WORKER_BOOT_ERROR / APP_LOAD_ERROR (measured: the master exits).
        return f"gunicorn takes a worker exit code {death.exit_code} as a boot error and shuts the whole server down.\n"
    if death.hung_after is not None:
        return "It did not even answer the timeout signal (stuck in C code?).\n"
    return "The server's client gets no response; gunicorn starts a new worker, which runs init() again.\n"


def _last_output(text: str) -> str:
    if not text:
        return "The script printed nothing before that."
    lines = text.splitlines()[-15:]
    return "last output of the script:\n" + "\n".join(f"    {line}" for line in lines)
