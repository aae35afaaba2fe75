"""Wall time of `pytest --score` against a hand-written pytest file, in one run.

A trivial scoring script gets N sample bodies. The baseline is what a team would
write by hand: a pytest file that imports score.py in-process, calls init() and
then run() on the same N bodies (one test looping, and one test per body). Each
command runs REPEAT times, alternating, and the medians are compared.

Without a declared contract the gate also sends variations of the samples, the
invalid bodies and some bodies again: it sends more than N bodies, and says how many
(the per-body cost is measured in-process by bench/fuzz_overhead.py and
bench/caught_overhead.py).

    python bench/pytest_overhead.py [N] [REPEAT]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = """
import json

model = None


def init():
    global model
    model = {"scale": 2.0}


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"predictions": [sum(row) * model["scale"] for row in rows]}
"""

LOOP_TEST = """
import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).parent
BODIES = (HERE / "samples" / "bodies.jsonl").read_text().splitlines()


def load():
    spec = importlib.util.spec_from_file_location("entry_module", HERE / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.init()
    return module


def test_run_accepts_every_sample():
    module = load()
    for body in BODIES:
        json.dumps(module.run(body), allow_nan=False)
"""

PARAMETRIZED_TEST = LOOP_TEST.replace(
    "def test_run_accepts_every_sample():\n    module = load()\n    for body in BODIES:\n        json.dumps(module.run(body), allow_nan=False)\n",
    """import pytest

MODULE = load()


@pytest.mark.parametrize("body", BODIES)
def test_run_accepts(body):
    json.dumps(MODULE.run(body), allow_nan=False)
""",
)


SENT: list[str] = []


def timed(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    SENT[:] = [line for line in done.stdout.splitlines() if line.startswith("score.py: ")] or SENT
    return elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp)
        (app / "score.py").write_text(SCRIPT)
        (app / "samples").mkdir()
        lines = [json.dumps({"data": [[i, i + 1.5]] * (1 + i % 3)}) for i in range(n)]
        (app / "samples" / "bodies.jsonl").write_text("\n".join(lines) + "\n")
        (app / "test_loop.py").write_text(LOOP_TEST)
        (app / "test_param.py").write_text(PARAMETRIZED_TEST)
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        commands = {
            "pytest --score score.py": pytest + ["--score", "score.py"],
            "hand-written, one test looping": pytest + ["test_loop.py"],
            "hand-written, one test per body": pytest + ["test_param.py"],
        }
        for args in commands.values():  # warm the file cache and the .pyc files
            timed(args, app)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, args in commands.items():
                times[name].append(timed(args, app))
    medians = {name: statistics.median(values) for name, values in times.items()}
    ours = medians["pytest --score score.py"]
    print(f"N = {n} sample bodies, median of {repeat} runs each")
    if SENT:
        print(f"  what the gate sent: {SENT[0].removeprefix('score.py: ')}")
    for name, value in medians.items():
        print(f"  {name:34s} {value:6.3f} s")
    for name in list(commands)[1:]:
        print(f"ratio pytest --score / {name}: {ours / medians[name]:.2f}x")


if __name__ == "__main__":
    main()
