"""Wall time of `pytest --score` against a hand-written pytest file, in one run.

A trivial scoring script gets N sample bodies. The baseline is what a team would
write by hand: a pytest file that imports score.py in-process, calls init() and
then run() on the same N bodies (one test looping, and one test per body). Each
command runs REPEAT times, alternating, and the medians are compared.

Without a declared contract the gate also sends variations of the samples, the
invalid bodies and some bodies again: it sends more than N bodies, and says how many
(the per-body cost is measured in-process by bench/fuzz_overhead.py and
bench/caught_overhead.py). A third baseline does that same work by hand: the loop
over the samples, then a Hypothesis test that draws as many bodies of the samples'
shape as the gate drew, sends malformed JSON as many times as the gate did, and
sends bodies again comparing the answers, as many as the gate sent again. It is
what a team would write to test what the gate tests, without score-contract.

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


#: The same work by hand: the counts are filled in from what the gate said it sent (SENT), and the bodies have
#: the samples' shape (the contract the gate guesses from them: "data", 1 to 3 rows of 2 numbers in their range).
SAME_WORK_TEST = (
    LOOP_TEST
    + """
import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

NUMBER = st.floats(min_value=0, max_value={largest})  # the samples' range
ROWS = st.lists(st.lists(NUMBER, min_size=2, max_size=2), min_size=1, max_size=3)
MODULE = load()
SEEN = {{}}


@settings(max_examples={drawn}, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.fixed_dictionaries({{"data": ROWS}}))
def test_run_accepts_bodies_of_the_samples_shape(body):
    raw = json.dumps(body)
    answer = json.dumps(MODULE.run(raw), allow_nan=False)
    if len(SEEN) < {again}:
        SEEN[raw] = answer


def test_run_rejects_malformed_json():
    for n in range({invalid}):
        try:
            MODULE.run('{{"data": [' * (n + 1))
        except ValueError:
            pass


def test_the_same_body_gets_the_same_answer():
    for raw, answer in SEEN.items():
        assert json.dumps(MODULE.run(raw), allow_nan=False) == answer
"""
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


def sent_counts(line: str) -> dict[str, int]:
    """From the gate's "score.py: 200 samples, 152 variations of the samples, 8 invalid, 23 sent again": the bodies
    it drew with Hypothesis (every phase but the samples, the invalid and the repeats), the invalid, the repeats."""
    counts = {"drawn": 0, "invalid": 0, "again": 0}
    for part in line.removeprefix("score.py: ").split(", "):
        number, _, what = part.partition(" ")
        if not number.isdigit():
            continue
        key = "invalid" if what == "invalid" else "again" if what == "sent again" else None
        if key is None and what not in ("sample", "samples", "decorator sample", "decorator samples"):
            key = "drawn"
        if key is not None:
            counts[key] += int(number)
    return counts


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
            "hand-written, the same work": pytest + ["test_same_work.py"],
        }
        timed(commands["pytest --score score.py"], app)  # what it sends, for the same work by hand
        counts = sent_counts(SENT[0] if SENT else "")
        (app / "test_same_work.py").write_text(
            SAME_WORK_TEST.format(
                largest=n + 1.5, drawn=counts["drawn"], invalid=counts["invalid"], again=counts["again"]
            )
        )
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
