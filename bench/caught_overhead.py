"""What watching for caught exceptions costs per run() call, against the same calls unwatched.

The worker watches the script's own files for exceptions it catches itself (see
score_contract/serving/caught.py: sys.monitoring from Python 3.12, the script's handlers
instrumented at import before). This imports a script as the worker does, and times, in
one run and alternating, N calls of calling.call() with the watcher as it is, the same
calls on the script imported plainly with a watcher that watches nothing, and a bare
loop over the plain run() — for a script with no handler, one whose run() has a try and
catches nothing, and one whose run() catches a KeyError on every call.
The target (issue 22) is the first two rows' watched/unwatched on Python 3.11 <= 1.15x.

    python bench/caught_overhead.py [N] [REPEAT]
"""

from __future__ import annotations

import dataclasses
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from linear_script import LINEAR  # noqa: E402

from score_contract.core.observations import Body  # noqa: E402
from score_contract.serving import calling, loader  # noqa: E402

BUSY = """
import json

cache = {}

def init():
    global weights
    weights = [0.5, -0.25, 1.0]

def score(row):
    return sum(w * x for w, x in zip(weights, row))

def lookup(key):
    try:
        return cache[key]
    except KeyError:
        return None

def run(raw_data):
    rows = json.loads(raw_data)["data"]
    lookup("missing")
    return {"scores": [score(row) for row in rows]}
"""


#: The shape of most scripts that have a handler at all: run() wraps its work in try/except (17 of
#: azureml-examples' 61 scoring scripts have a try or a with; the others are not traced at all before 3.12).
GUARDED = """
import json


def init():
    global weights
    weights = [0.5, -0.25, 1.0]


def run(raw_data):
    try:
        rows = json.loads(raw_data)["data"]
        return {"scores": [sum(w * x for w, x in zip(weights, row)) for row in rows]}
    except Exception as e:
        return {"error": str(e)}
"""


class _Unwatched:
    """A watcher that watches nothing and costs next to nothing (it once defined a class on every call, ~5 us,
    which flattered the ratio)."""

    def watching(self) -> _Unwatched:
        return self

    def __enter__(self) -> _Unwatched:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def caught(self, *args: object) -> tuple[()]:
        return ()


def measure(source: str, n: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "score.py"
        script.write_text(source)
        _, loaded = loader.load(str(script), tmp)
        assert loaded is not None
        loaded.init()
        # Unwatched: the same script imported plainly (before 3.12 the worker imports it instrumented).
        spec = importlib.util.spec_from_file_location("plain_module", script)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.init()
        unwatched = dataclasses.replace(loaded, module=module, run=module.run, init=module.init)
        unwatched.watcher = _Unwatched()  # type: ignore[assignment]
        body = Body.from_json({"data": [[1.0, 2.0, 3.0]] * 5})
        times: dict[str, list[float]] = {"watched": [], "unwatched": [], "bare run()": []}
        for _ in range(repeat):
            started = time.perf_counter()
            for _ in range(n):
                calling.call(loaded, body, 5.0)
            times["watched"].append(time.perf_counter() - started)
            started = time.perf_counter()
            for _ in range(n):
                calling.call(unwatched, body, 5.0)
            times["unwatched"].append(time.perf_counter() - started)
            text = body.text
            started = time.perf_counter()
            for _ in range(n):
                module.run(text)
            times["bare run()"].append(time.perf_counter() - started)
        return {name: statistics.median(values) / n * 1e6 for name, values in times.items()}


def main() -> None:
    # Short rounds, many of them, alternating: on a shared machine the load changes within a second, and each
    # round's three loops should see the same load.
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 31
    print(f"Python {sys.version.split()[0]}, {n} calls, median of {repeat}, microseconds per call")
    cases = (
        ("no handler", LINEAR),
        ("a try in run(), nothing caught", GUARDED),
        ("catches a KeyError per call", BUSY),
    )
    for name, source in cases:
        result = measure(source, n, repeat)
        ratio = result["watched"] / result["unwatched"]
        cost = result["watched"] - result["unwatched"]
        print(
            f"  {name:31s} watched {result['watched']:7.1f}  unwatched {result['unwatched']:7.1f}"
            f"  bare run() {result['bare run()']:6.1f}   watched/unwatched {ratio:.2f}x"
            f"  (the watcher: {cost:+.1f} a call)"
        )


if __name__ == "__main__":
    main()
