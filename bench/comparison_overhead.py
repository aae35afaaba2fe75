"""What a comparison run (--score-baseline) costs against the gate of the new version alone, on the same bodies, in
one run.

The pair is examples/regression/: v1 and one of its versions (default: refactor, the one that passes), copied into a
temporary folder without their score-contract.toml, with the same model, samples, request contract and Hypothesis
seed, so that both runs send the new version the same bodies. Measured two ways, REPEAT times each, alternating,
medians compared:

- the whole gate, as CI runs it: ``pytest --score new/score.py`` against the same with ``--score-baseline
  old/score.py`` (a pytest process each: start-up, collection, every check, the reports);
- the engine alone, in this process: the new version's run (worker, import, init(), samples, boundaries, generated,
  invalid and repeated bodies) against the comparison run (the same, the old version's worker beside it, its answers
  to every valid body, and the comparison of each pair of answers).

    python bench/comparison_overhead.py [REPEAT] [VERSION]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from score_contract.comparison.run import ComparisonRun  # noqa: E402
from score_contract.config.settings import resolve  # noqa: E402
from score_contract.online.runner import ScriptRun  # noqa: E402
from score_contract.pipeline.context import RunContext  # noqa: E402
from score_contract.planning.script import plan  # noqa: E402

REGRESSION = REPO / "examples" / "regression"
SEED = 1


def copy_pair(folder: Path, version: str) -> None:
    for name, source in (("old", "v1"), ("new", version)):
        (folder / name).mkdir()
        for file in ("score.py", "request.schema.json"):
            shutil.copyfile(REGRESSION / source / file, folder / name / file)
    shutil.copytree(REGRESSION / "model", folder / "model")
    shutil.copytree(REGRESSION / "v1" / "samples", folder / "samples")


def gate(folder: Path, compared: bool) -> float:
    args = ["--score", "new/score.py", "--score-model-dir", "model", "--score-samples", "samples"]
    args += ["--score-baseline", "old/score.py"] if compared else []
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--hypothesis-seed={SEED}", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(done.stdout + done.stderr)
    return elapsed


def engine(folder: Path, compared: bool) -> tuple[float, int]:
    """The run's time, and how many bodies the new version was sent."""
    settings = resolve(
        scripts=["new/score.py"],
        model_dir="model",
        samples="samples",
        seed=SEED,
        baseline="old/score.py" if compared else None,
        base=folder,
    )
    script = plan(settings, settings.scripts[0], folder)
    started = time.perf_counter()
    run = (ComparisonRun if compared else ScriptRun)(script, script.settings_for(settings), RunContext())
    try:
        run.start()
        calls = run.calls()
        if isinstance(run, ComparisonRun):
            run.comparison()
    finally:
        run.close()
    return time.perf_counter() - started, len(calls)


def measure(repeat: int, one: Callable[[bool], float]) -> tuple[float, float]:
    alone, compared = [], []
    for _ in range(repeat):
        alone.append(one(False))
        compared.append(one(True))
    return statistics.median(alone), statistics.median(compared)


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    version = sys.argv[2] if len(sys.argv) > 2 else "refactor"
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        copy_pair(folder, version)
        sent: dict[bool, int] = {}

        def in_process(compared: bool) -> float:
            elapsed, sent[compared] = engine(folder, compared)
            return elapsed

        engine_alone, engine_compared = measure(repeat, in_process)
        gate_alone, gate_compared = measure(repeat, lambda compared: gate(folder, compared))
    print(f"v1 against {version}, median of {repeat}, Hypothesis seed {SEED}")
    print(f"  bodies sent to the new version: {sent[False]} alone, {sent[True]} compared")
    print(f"  engine  new version alone   {engine_alone:7.2f} s")
    print(f"  engine  compared with v1    {engine_compared:7.2f} s   {engine_compared / engine_alone:.2f}x")
    print(f"  gate    pytest --score      {gate_alone:7.2f} s")
    print(f"  gate    + --score-baseline  {gate_compared:7.2f} s   {gate_compared / gate_alone:.2f}x")


if __name__ == "__main__":
    main()
