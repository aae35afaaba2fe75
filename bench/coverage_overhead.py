"""What --score-cov costs: the contract run of a script with coverage off and on, against a bare loop
over its run() on the same bodies, and against coverage.py's own cost on that loop.

The script is bench/linear_script.py (generator expressions: every row costs line and arc events),
with a request schema so the search generates bodies. Measured in this one process, alternating,
median of REPEAT rounds; every ratio is against the bare loop of the same round:

* bare loop over run() on exactly the bodies the contract run sent, in this process;
* the same loop under coverage.py started by hand, with its default core (C tracer before Python
  3.12) and with its Python tracer (``timid=True``, COVERAGE_CORE=pytrace);
* our run (all phases, import and init() left out) with coverage off, then on. The worker measures
  with coverage.py's default core (score_contract/coverage/tracing.py): its cost should be the C
  tracer's before 3.12 (the Python tracer's until issue 22, when the caught-exception watcher was a
  trace function coverage.py had to share).

    python bench/coverage_overhead.py [REPEAT]
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from fuzz_overhead import SCHEMA
from linear_script import LINEAR

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def load(app: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("entry_module", app / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.init()
    return module


def loop(module: ModuleType, bodies: list[str]) -> float:
    started = time.perf_counter()
    for body in bodies:
        try:  # invalid bodies are sent too
            json.dumps(module.run(body), allow_nan=False)
        except Exception:
            pass
    return time.perf_counter() - started


def loop_under_coverage(app: Path, bodies: list[str], timid: bool) -> tuple[float, str]:
    import coverage

    with tempfile.TemporaryDirectory() as tmp:
        cov = coverage.Coverage(
            data_file=f"{tmp}/.coverage", branch=True, include=[f"{app}/*"], timid=timid, config_file=False
        )
        cov.start()
        try:
            module = load(app)
            elapsed = loop(module, bodies)
        finally:
            cov.stop()
        core = dict(cov.sys_info()).get("core", "?")
        cov.save()
    return elapsed, str(core)


def contract_run(app: Path, cov: bool) -> tuple[float, list[str], dict[str, object] | None]:
    from score_contract.config.settings import resolve
    from score_contract.online.runner import ScriptRun
    from score_contract.pipeline.context import RunContext
    from score_contract.planning.script import plan

    settings = resolve(scripts=[str(app / "score.py")], base=app, seed=1, cov=cov)
    run = ScriptRun(plan(settings, settings.scripts[0], app), settings, RunContext())
    try:
        run.initialized()  # start-up is not per body: leave it out
        started = time.perf_counter()
        calls = run.calls()
        elapsed = time.perf_counter() - started
        figures = run.coverage()
    finally:
        run.close()
        if run.measurement is not None:
            run.measurement.remove()
    bodies = [c.body.text for c in calls if c.rejected is None and c.death is None]
    return elapsed, bodies, figures


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    rows: dict[str, list[float]] = {}
    cores: dict[str, str] = {}
    sent = 0
    percent: object = None
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp)
        (app / "score.py").write_text(LINEAR)
        (app / "request.schema.json").write_text(json.dumps(SCHEMA))
        for _ in range(repeat):
            off, bodies, _ = contract_run(app, cov=False)
            on, _, figures = contract_run(app, cov=True)
            percent = figures["percent"] if figures else None
            sent = len(bodies)
            bare = loop(load(app), bodies)
            ctrace, cores["default"] = loop_under_coverage(app, bodies, timid=False)
            pytrace, cores["timid"] = loop_under_coverage(app, bodies, timid=True)
            for name, value in (
                ("bare", bare),
                ("bare+ctrace", ctrace),
                ("bare+pytrace", pytrace),
                ("ours-off", off),
                ("ours-on", on),
            ):
                rows.setdefault(name, []).append(value)
    m = {name: statistics.median(values) for name, values in rows.items()}
    bare = m["bare"]
    print(f"Python {sys.version.split()[0]}; {sent} bodies reached run(); median of {repeat}; coverage {percent}%")
    print(f"  {'':56s} {'ms':>8s} {'× bare':>8s}")
    labels = {
        "bare": "bare loop over run()",
        "bare+ctrace": f"bare loop under coverage.py, default core ({cores['default']})",
        "bare+pytrace": f"bare loop under coverage.py, timid ({cores['timid']})",
        "ours-off": "score-contract, coverage off",
        "ours-on": "score-contract, --score-cov",
    }
    for name, label in labels.items():
        print(f"  {label:56s} {m[name] * 1000:8.1f} {m[name] / bare:8.2f}")
    extra = (m["ours-on"] - m["ours-off"]) * 1000
    print(f"  --score-cov against coverage off: {m['ours-on'] / m['ours-off']:.2f}x, {extra:+.1f} ms")
    print(
        f"  coverage.py's own cost on the loop: {(m['bare+pytrace'] - bare) * 1000:+.1f} ms (Python tracer),"
        f" {(m['bare+ctrace'] - bare) * 1000:+.1f} ms (default core)"
    )


if __name__ == "__main__":
    main()
