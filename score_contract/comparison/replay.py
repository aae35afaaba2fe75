"""``score-contract replay --baseline TARGET SCRIPT --body ...``: one body sent to both versions, their two answers
side by side, and what the comparison checks say of them.

Both versions are planned and run as the gate plans and runs them (:func:`score_contract.planning.script.plan`,
a worker each, the old one with its own model folder and environment), so that a comparison failure's reproduce line
shows the same two answers the gate compared.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TextIO

from ..config.settings import Settings
from ..core.compare import Difference, shown_value
from ..core.observations import Body, Call
from ..errors import UsageError
from ..pipeline.context import RunContext
from ..planning.script import plan
from .checks import answers_match_the_baseline, contract_is_backward_compatible, outcome
from .evidence import Contracts, compare
from .run import BaselineRun, cannot_run

#: Each column of the side-by-side table is cut to this many characters.
_COLUMN = 36


def replay_compared(settings: Settings, body: Body | None, out: TextIO) -> int:
    """Returns 0 when the new version answers 2xx and neither comparison check breaks, else 1."""
    (given,) = settings.scripts
    script = plan(settings, given, Path.cwd())
    comparing = script.comparing
    if comparing is None or comparing.baseline is None or comparing.baseline_settings is None:
        raise UsageError(f"{given}: nothing to compare it with (a deployment with no scoring script).")
    old_script, who = comparing.baseline, comparing.baseline_shown

    def said(name: str) -> RunContext:
        def progress(line: str) -> None:
            out.write(f"{name}: {line}\n")

        return RunContext(progress)

    new = BaselineRun(replace(script, kind="online", comparing=None), script.settings_for(settings), said("new"))
    old = BaselineRun(old_script, old_script.settings_for(comparing.baseline_settings), said(f"baseline {who}"))
    try:
        old.start()  # the old version's import and init() overlap the new one's
        new.start()
        problem = cannot_run(new, f"this version ({script.shown_as})")
        if problem is not None:
            _write(out, problem)
            return 1
        problem = cannot_run(old, f"the baseline {who}")
        if problem is not None:
            _write(out, problem)
            return 1
        out.write(f"{script.shown_as} and the baseline {who}: imported as the server does, init() returned\n")
        if body is None:
            return 0
        out.write(f"\n{body.method} {body.target}\n\n{body.text if body.is_text else f'({len(body.data)} bytes)'}\n\n")
        new_calls, old_calls = new.answer([(body, "sample")]), old.answer([(body, "sample")])
        contracts = Contracts(new.contract().body, old.contract().body, old.contract().output)
        run_settings = new.settings
        found = compare(new_calls, old_calls, run_settings, contracts, who, None, None)
        (compared,) = found.baseline
        out.write(f"the baseline ({who}) answered: {outcome(compared.old)}\n")
        out.write(f"this version answered: {outcome(compared.new)}\n")
        if compared.answers is not None:
            answers = compared.answers
            places = [
                *(("different", d) for d in answers.different),
                *(("within the tolerance", n.difference) for n in answers.within),
                *(("accepted", d) for d in answers.accepted),
            ]
            out.write("\n" + (_table(places) if places else "the two answers are identical") + "\n")
        broken = False
        for check in (answers_match_the_baseline, contract_is_backward_compatible):
            violation = check(compared)
            if violation is not None:
                broken = True
                out.write(settings.spelled(f"\n{check.__name__}: {violation.headline}\n"))
        return 1 if broken or not _answered(compared.new) else 0
    finally:
        new.close()
        old.close()


def _answered(call: Call) -> bool:
    return call.response is not None and 200 <= call.response.status < 300 and call.rejected is None


def _write(out: TextIO, problem: tuple[str, str]) -> None:
    headline, details = problem
    out.write(f"{headline}\n" + "".join(f"    {line}\n" for line in details.splitlines()))


def _table(places: list[tuple[str, Difference]]) -> str:
    """Where the two answers differ, a row each: the path, the old value, the new one, and what the difference is."""
    rows = [("path", "the baseline", "this version", "")]
    rows += [(d.path, _value(d.before), _value(d.after), what) for what, d in places]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        ("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + f"  {row[3]}").rstrip()
        for row in rows
    )


def _value(value: object) -> str:
    text = shown_value(value)
    return text if len(text) <= _COLUMN else text[: _COLUMN - 1] + "…"
