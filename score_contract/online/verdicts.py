"""What each check concludes about one script, from the evidence a ScriptRun gathered.

A check whose prerequisite failed is skipped with a pointer to the check that
says why; a per-call check judges the calls of its phase, smallest body first.
"""

from __future__ import annotations

from dataclasses import replace

from ..config.options import LATENCY_P99, MAX_MEMORY, SAMPLES, SCHEMA, SERVER_WORKERS
from ..core.observations import VALID_AND_VARIED, VALID_PHASES, Call, LoadWarning
from ..core.wording import counted, plural
from ..judging import budgets
from ..judging.checks import Check, Violation
from ..judging.verdicts import Judged, Verdict, shown, verdict_of
from .runner import ScriptRun

_PHASES_OF = {"call": VALID_AND_VARIED, "invalid": ("invalid",), "repeat": ("repeat",)}


def judge(check: Check, run: ScriptRun) -> Verdict:
    """One of this kind's own checks (the shared ones are judged by score_contract.pipeline.judge)."""
    if check.phase.startswith("server-"):
        # The official server is judged on its own evidence, whatever happened in-process.
        return _judge_server(check, run)
    blocked = _blocked(check, run)
    if blocked is not None:
        return blocked
    if check.phase in ("import", "definition"):
        imported = run.imported()
        heard = load_warnings(imported.warnings, "while the script was imported") if check.phase == "import" else ()
        return verdict_of(check, [check.judge(imported)], judged=1, extra=heard)
    if check.phase == "init":
        init = run.initialized()
        heard = load_warnings(init.warnings, "while init() ran") if init is not None else ()
        return verdict_of(check, [check.judge(init)], judged=1, extra=heard)
    calls = run.calls()
    if check.phase == "budget":
        return _judge_budget(check, run, calls)
    if check.phase == "session":
        return verdict_of(check, [check.judge(run.evidence())], judged=1)
    notes = _notes(check, run, calls)
    mine = [c for c in calls if c.phase in _PHASES_OF[check.phase]]
    judged = [c for c in mine if c.rejected is None]
    if check.phase == "call" and not any(c.phase in VALID_PHASES for c in judged):
        # A gate that tested nothing must not pass.
        if check.name == "run_accepts_valid_input":
            return Verdict("failed", (never_called(run, mine),), warnings=notes)
        return Verdict(
            "skipped", reason="run() was never called with a valid request body", blocked_by="run_accepts_valid_input"
        )
    if not mine:
        return Verdict(
            "skipped", reason="no valid body got an answer to send again", blocked_by="run_accepts_valid_input"
        )
    if not judged:
        refused = "the only one was" if len(mine) == 1 else f"all {len(mine)} were"
        reason = f"no {_what(check)} reached run(): {refused} refused before run() saw them"
        return Verdict("skipped", reason=reason, warnings=notes)
    if check.phase == "call" and check.name != "run_accepts_valid_input":
        # The other checks of valid bodies judge what run() returned.
        judged = [c for c in judged if c.death is None and c.error is None]
        if not judged:
            return Verdict("skipped", reason="run() returned for no body", blocked_by="run_accepts_valid_input")
    # A repeat sent back to back comes first: when run() is not deterministic, a later repeat of a small body can
    # differ while its back-to-back one agreed by chance, and "state leaks between requests" would be the wrong cause.
    ordered = sorted(judged, key=lambda c: (check.phase == "repeat" and not c.back_to_back, len(c.body.data)))
    found = [(c, check.judge(c, judged) if check.compared else check.judge(c)) for c in ordered]
    # A violation worth a warning only (an exception mentioned beside the whole result) is told once, first.
    warned = next((v for _, v in found if v is not None and v.warning), None)
    found = [(c, None if v is not None and v.warning else v) for c, v in found]
    if warned is not None:
        notes = (shown(warned), *notes)
    declared = [v for c, v in found if not _guessed(c, calls)]
    guessed = tuple(v for c, v in found if v is not None and _guessed(c, calls))
    verdict = verdict_of(check, declared, judged=len(judged), extra=notes)
    bodies = tuple(Judged(c.body, c.phase, v is not None) for c, v in found)
    if verdict.outcome == "passed" and not check.advisory:
        return replace(verdict, findings=guessed, bodies=bodies)
    return replace(verdict, bodies=bodies)


def load_warnings(heard: tuple[LoadWarning, ...], when: str) -> tuple[str, ...]:
    """What the script's warnings say, one note each; a model saved with another version of its
    library first, its estimators named together."""
    notes: list[str] = []
    skewed: dict[tuple[str, str, str], list[LoadWarning]] = {}
    for warning in heard:
        if warning.versions is not None:
            skewed.setdefault(warning.versions, []).append(warning)
    for (library, saved, loading), same in skewed.items():
        subjects = ", ".join(dict.fromkeys(w.subject for w in same if w.subject))
        where = next((f"loaded at {w.where}" for w in same if w.where), "")
        what = ", ".join(part for part in (subjects, where) if part)
        notes.append(
            f"the model was saved with {library} {saved} and is loaded with {library} {loading}"
            f"{f' ({what})' if what else ''}: {library} warned {when} that this"
            ' "might lead to breaking code or invalid results".\n'
            f"{library} said: {same[0].message}\n"
            f"Give the deployment's environment the version the model was saved with ({library}=={saved}),"
            f" or save the model again with {library} {loading}."
        )
    for warning in heard:
        if warning.versions is None:
            where = f" ({warning.where})" if warning.where else ""
            notes.append(f"{when}, the script raised {warning.category}{where}: {warning.message}")
    return tuple(notes)


def _guessed(call: Call, calls: tuple[Call, ...]) -> bool:
    """Sent as a variation of the samples (a contract guessed, not declared), or sent again after one."""
    if call.phase == "repeat" and call.repeat_of is not None and 0 <= call.repeat_of < len(calls):
        call = calls[call.repeat_of]
    return call.phase == "varied"


def never_called(run: ScriptRun, valid: list[Call]) -> Violation:
    """run() saw no valid body: say why, and how to give one that fits this script and front end."""
    settings, mode = run.settings, run.imported().mode
    samples = settings.flag(SAMPLES)
    refused = [c for c in valid if c.rejected is not None and c.phase in VALID_PHASES]
    if refused:
        first = refused[0]
        why = (
            f"all {len(refused)} valid {plural(len(refused), 'body', 'bodies')} were refused before run() saw them;"
            f" the first ({first.body.source or 'a body'}): {first.rejected}"
        )
    else:
        why = "there was no request body to send: no samples, and no contract to generate bodies from"
    if mode == "rawhttp":
        ways = (
            f"Put request files in a samples/ folder beside the script (or give {samples} PATH): .json bodies,"
            " any other file (an image, a CSV), sent byte for byte with a Content-Type from its extension, or"
            " .http request files for a method, headers or a multipart upload."
        )
    else:
        ways = (
            f"Put sample bodies in a samples/ folder beside the script (or give {samples} PATH): .json files,"
            " one body each, or .jsonl files, one body a line; or declare the valid bodies with a JSON Schema"
            f" (request.schema.json beside the script, or {settings.flag(SCHEMA)} FILE)"
            + (" or @input_schema." if mode == "text" else ".")
        )
    return Violation("run() was never called with a valid request body", f"{why}.\n{ways}")


def _judge_server(check: Check, run: ScriptRun) -> Verdict:
    cannot_run = run.deployed.blocker()
    if cannot_run is not None:
        return Verdict("skipped", reason=cannot_run[0], blocked_by=cannot_run[1])
    evidence = run.server_evidence()
    if check.phase == "server-boot":
        return verdict_of(check, [check.judge(evidence.boot)], judged=1)
    if not evidence.boot.ready:
        return Verdict("skipped", reason="the official server did not start", blocked_by="server_becomes_ready")
    if check.phase == "server-session":
        return verdict_of(check, [check.judge(evidence)], judged=1)
    exchanges = evidence.valid if check.phase == "server-valid" else evidence.invalid
    if not exchanges:
        what = "valid body got an answer in-process" if check.phase == "server-valid" else "invalid body was sent"
        return Verdict("skipped", reason=f"no {what}: nothing to send to the server")
    violations = [check.judge(e) for e in sorted(exchanges, key=lambda e: len(e.body.data))]
    return verdict_of(check, violations, judged=len(exchanges))


def _judge_budget(check: Check, run: ScriptRun, calls: tuple[Call, ...]) -> Verdict:
    timed = tuple(budgets.timed_calls(calls))
    if not timed:
        return Verdict(
            "skipped",
            reason="run() returned for no valid body: nothing to measure",
            blocked_by="run_accepts_valid_input",
        )
    settings = run.settings
    if check.judge is budgets.run_meets_the_latency_budget:
        assert settings.latency_p99_ms is not None
        origin = settings.shown(LATENCY_P99, f"{settings.latency_p99_ms:g}")
        return verdict_of(check, [check.judge(budgets.Latency(timed, settings.latency_p99_ms, origin))], judged=1)
    init = run.initialized()
    assert init is not None and settings.max_memory_mb is not None
    if not init.peak_rss_mb:
        return Verdict("skipped", reason="the worker's memory cannot be measured on this platform")
    memory = budgets.Memory(
        init,
        calls,
        settings.max_memory_mb,
        settings.shown(MAX_MEMORY, f"{settings.max_memory_mb:g}"),
        settings.server_workers,
        _workers_origin(run),
    )
    return verdict_of(check, [check.judge(memory)], judged=1)


def _workers_origin(run: ScriptRun) -> str:
    """Where the number of workers came from, for the memory budget's message."""
    settings = run.settings
    if SERVER_WORKERS.dest in settings.given:
        return settings.shown(SERVER_WORKERS, settings.server_workers)
    deployment = run.script.target.deployment if run.script.target is not None else None
    if deployment is not None and deployment.workers is not None:
        return f"WORKER_COUNT in {deployment.shown}"
    return f"the server's default; {settings.flag(SERVER_WORKERS)} N or a deployment's WORKER_COUNT sets it"


def _what(check: Check) -> str:
    return {"call": "valid body", "invalid": "invalid body", "repeat": "body sent again"}[check.phase]


def _notes(check: Check, run: ScriptRun, calls: tuple[Call, ...]) -> tuple[str, ...]:
    """What the report says once, on run_accepts_valid_input: refusals and how far the search went."""
    if check.name != "run_accepts_valid_input":
        return ()
    notes = [
        f"{c.body.source or c.body.text[:80]} was refused before run() saw it: {c.rejected}"
        for c in calls
        if c.rejected is not None and c.phase in ("sample", "example")
    ]
    contract = run.contract()
    samples = sum(1 for c in calls if c.phase == "sample")
    if contract.body is None and samples:
        varied = run.sent["varied"]
        declare = f"request.schema.json beside the script or {run.settings.flag(SCHEMA)} FILE" + (
            ", or @input_schema" if run.imported().mode == "text" else ""
        )
        if varied:
            them = "it" if samples == 1 else "them"
            notes.append(
                f"no contract was declared: besides your {counted(samples, 'sample')}, {varied} variations of {them}"
                " were sent (the same keys and types, lists of other lengths); what they break is a warning,"
                f" not a failure. Declare the valid bodies ({declare}) to explore further and make it a failure."
            )
        elif any(c.phase == "sample" and "json" in c.body.content_type for c in calls):
            notes.append(
                f"no contract was declared: only your {counted(samples, 'sample')} {plural(samples, 'was', 'were')}"
                f" sent. Declare the valid bodies ({declare}) to explore further."
            )
        else:
            notes.append(
                f"no contract was declared and your {plural(samples, 'sample is a file', 'samples are files')} sent"
                f" as {plural(samples, 'it is', 'they are')}: only {plural(samples, 'it was', 'they were')} sent."
                " Add samples for the inputs that matter (another size or format, an empty file, a request without"
                " the file) to explore further."
            )
    notes += list(contract.notes) + run.notes
    # Short of a budget, and whether or not one was set.
    notes.append(budgets.latency_warning(budgets.timed_calls(calls), run.settings.timeout))
    notes.append(budgets.memory_growth(calls))
    notes.append(model_writes_note(run.model_writes()))
    return tuple(note for note in notes if note)


def model_writes_note(written: tuple[str, ...]) -> str:
    """init() or run() wrote into the model folder. A registered model is an asset each instance gets a copy of:
    what is written there is lost when the instance restarts and never reaches the other instances, and whether the
    mount even lets the container write is not documented (batch jobs mount their inputs read-only). The gate
    never writes the user's own folder for a deployment spec (the model is mirrored, see deployment.mount); with
    --score-model-dir it is the user's folder itself that changed."""
    if not written:
        return ""
    names = ", ".join(written[:5]) + (" and more" if len(written) > 5 else "")
    return (
        f"init() or run() wrote into the model folder: {names}. Each instance of a deployment gets its own copy of"
        " the registered model: what is written there is lost at every restart and never shared between instances,"
        " and the platform may mount it read-only. Write caches and unpacked files under tempfile.gettempdir()."
    )


def _blocked(check: Check, run: ScriptRun) -> Verdict | None:
    """Skip a check whose prerequisite failed, pointing at the check that says why."""
    cannot_run = run.deployed.blocker()
    if cannot_run is not None:
        return Verdict("skipped", reason=cannot_run[0], blocked_by=cannot_run[1])
    if check.phase == "import":
        return None
    imported = run.imported()
    if not imported.imported:
        return Verdict("skipped", reason="the script did not import", blocked_by="module_imports")
    if check.phase == "definition":
        return None
    if not imported.accepted:
        return Verdict("skipped", reason="the server would not accept init()/run()", blocked_by="defines_init_and_run")
    if check.phase == "init":
        return None
    init = run.initialized()
    if init is None or not init.ok:
        return Verdict("skipped", reason="init() failed", blocked_by="init_succeeds")
    return None
