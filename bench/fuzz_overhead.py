"""What the search costs, against a bare loop over run() on the same bodies.

1. Per generated body: a contract run of a trivial script (default search, no
   pytest) against importing the script in this process and calling run() on
   exactly the bodies that run sent. The difference, per body, is our overhead
   (generation, the pipe to the worker, judging, shrinking none: the script is
   correct). Hypothesis's part of it is measured two ways: inside the same run
   (the time its search spent outside our callbacks: drawing, its engine), and
   apart (a test that draws as many bodies from the same strategy). The first
   is the steadier: the second is a difference of two runs, where a 10 ms swing
   moves the figure per body by 0.06 ms.
2. Wall time of a default `pytest --score` against `pytest` on a hand-written
   file looping over the same bodies.

    python bench/fuzz_overhead.py [REPEAT]
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from linear_script import LINEAR

SCHEMA = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "array",
            "maxItems": 20,
            "items": {"type": "array", "minItems": 3, "maxItems": 3, "items": {"type": "number"}},
        }
    },
}
LOOP_TEST = """
import importlib.util, json
from pathlib import Path

HERE = Path(__file__).parent


def test_run_accepts_the_bodies():
    spec = importlib.util.spec_from_file_location("entry_module", HERE / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.init()
    for line in json.loads((HERE / "bodies.json").read_text()):
        try:
            json.dumps(module.run(line), allow_nan=False)
        except Exception:
            pass
"""


def bare_loop(app: Path, bodies: list[bytes]) -> float:
    spec = importlib.util.spec_from_file_location("entry_module", app / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.init()
    started = time.perf_counter()
    for body in bodies:
        try:  # invalid bodies are sent too: the server would answer them, so does this loop
            json.dumps(module.run(body.decode()), allow_nan=False)
        except Exception:
            pass
    return time.perf_counter() - started


@contextlib.contextmanager
def timing_hypothesis(spent: list[float]) -> Iterator[None]:
    """While it is entered, ``exploration.search.search`` notes in ``spent`` the time each search spent outside the
    callbacks it is given (sending bodies, judging them): Hypothesis's drawing and engine, measured inside the run."""
    from score_contract.exploration import search

    original = search.search

    def searched(strategy: Any, send: Any, first_broken_check: Any, **options: Any) -> Any:
        inside = 0.0

        def timed(function: Any) -> Any:
            if function is None:
                return None

            def call(*args: Any) -> Any:
                nonlocal inside
                started = time.perf_counter()
                try:
                    return function(*args)
                finally:
                    inside += time.perf_counter() - started

            return call

        options["send_all"] = timed(options.get("send_all"))
        started = time.perf_counter()
        try:
            return original(strategy, timed(send), timed(first_broken_check), **options)
        finally:
            spent.append(time.perf_counter() - started - inside)

    search.search = searched
    try:
        yield
    finally:
        search.search = original


def contract_run(app: Path) -> tuple[float, list[bytes], int, float]:
    """The seconds ``calls()`` took, the bodies it sent, how many Hypothesis generated, and the seconds Hypothesis
    spent in it (its drawing and engine, outside our callbacks)."""
    from score_contract.config.settings import resolve
    from score_contract.online.runner import ScriptRun
    from score_contract.pipeline.context import RunContext
    from score_contract.planning.script import plan

    settings = resolve(scripts=[str(app / "score.py")], base=app, seed=1)
    script = plan(settings, settings.scripts[0], app)
    run = ScriptRun(script, settings, RunContext())
    run.initialized()  # start-up is not per body: leave it out
    spent: list[float] = []
    with timing_hypothesis(spent):
        started = time.perf_counter()
        calls = run.calls()
        elapsed = time.perf_counter() - started
    run.close()
    generated = sum(1 for c in calls if c.phase == "generated")
    return elapsed, [c.body.data for c in calls], generated, sum(spent)


def drawing_only(count: int) -> float:
    """Hypothesis drawing the same number of bodies from the same strategy, nothing sent."""
    from hypothesis import HealthCheck, Phase, given, settings

    from score_contract.inputs.strategies import valid_values

    @settings(
        max_examples=count,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(valid_values(SCHEMA))
    def draw(value: object) -> None:
        json.dumps(value).encode()

    started = time.perf_counter()
    draw()
    return time.perf_counter() - started


def timed(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp)
        (app / "score.py").write_text(LINEAR)
        (app / "request.schema.json").write_text(json.dumps(SCHEMA))
        ours, bare, drawing, inside, sent, generated = [], [], [], [], 0, 0
        for _ in range(repeat):
            elapsed, bodies, generated, hypothesis_s = contract_run(app)
            ours.append(elapsed)
            inside.append(elapsed - hypothesis_s)
            bare.append(bare_loop(app, bodies))
            drawing.append(drawing_only(generated))
            sent = len(bodies)
        ours_s, bare_s, draw_s, ours_only_s = (statistics.median(v) for v in (ours, bare, drawing, inside))
        print(f"contract run: {sent} bodies sent ({generated} generated by Hypothesis), median of {repeat}")
        print(f"  score-contract, all phases                 {ours_s * 1000:8.1f} ms   {sent / ours_s:6.0f} bodies/s")
        print(f"  bare loop over run() on the same bodies    {bare_s * 1000:8.1f} ms")
        print(f"  Hypothesis drawing {generated} bodies, nothing sent {draw_s * 1000:8.1f} ms")
        print(f"  Hypothesis in the same run (drawing, engine) {(ours_s - ours_only_s) * 1000:8.1f} ms")
        print(f"  overhead per body, all of it:              {(ours_s - bare_s) / sent * 1000:.3f} ms")
        print(
            f"  overhead per body, Hypothesis's drawing aside (measured apart): {(ours_s - bare_s - draw_s) / sent * 1000:.3f} ms"
        )
        print(
            f"  overhead per body, Hypothesis aside (measured in the same run): {(ours_only_s - bare_s) / sent * 1000:.3f} ms"
        )

        (app / "bodies.json").write_text(json.dumps([b.decode("utf-8", "replace") for b in bodies]))
        (app / "test_loop.py").write_text(LOOP_TEST)
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        commands = {
            "pytest --score score.py": [*pytest, "--score", "score.py"],
            "pytest test_loop.py": [*pytest, "test_loop.py"],
        }
        for args in commands.values():
            timed(args, app)
        walls: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, args in commands.items():
                walls[name].append(timed(args, app))
        medians = {name: statistics.median(values) for name, values in walls.items()}
        print(f"default run, wall time, median of {repeat}")
        for name, value in medians.items():
            print(f"  {name:24s} {value:6.2f} s")
        ours_wall, loop_wall = medians["pytest --score score.py"], medians["pytest test_loop.py"]
        print(f"  difference {ours_wall - loop_wall:+.2f} s, ratio {ours_wall / loop_wall:.2f}x")


if __name__ == "__main__":
    main()
