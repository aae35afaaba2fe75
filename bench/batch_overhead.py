"""What calling a batch script through score-contract costs per mini-batch, against a
bare loop over its run() in this process.

The script is examples/batch-files (pandas reads each CSV file of the mini-batch).
Both sides call run() with the same mini-batch of 10 sample files, N times; ours goes
through the worker process as the gate does (the pipe, SIGALRM, the folders watched for
writes, what append_row would write). Alternating, median of REPEAT rounds.

    python bench/batch_overhead.py [N] [REPEAT]
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from score_contract.batch.observations import MiniBatch  # noqa: E402
from score_contract.batch.runner import BatchRun  # noqa: E402
from score_contract.config.settings import resolve  # noqa: E402
from score_contract.pipeline.context import RunContext  # noqa: E402
from score_contract.planning.script import plan  # noqa: E402

EXAMPLE = REPO / "examples" / "batch-files"


def bare(files: list[str], n: int) -> float:
    os.environ["AZUREML_MODEL_DIR"] = str(EXAMPLE / "model")
    spec = importlib.util.spec_from_file_location("bench_batch_score", EXAMPLE / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.init()
    started = time.perf_counter()
    for _ in range(n):
        module.run(list(files))
    return (time.perf_counter() - started) / n


def ours(run: BatchRun, mini_batch: MiniBatch, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        run.send_one(mini_batch)
    return (time.perf_counter() - started) / n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    settings = resolve(scripts=[str(EXAMPLE / "score.py")], model_dir=str(EXAMPLE / "model"), base=REPO)
    script = plan(settings, settings.scripts[0], REPO)
    files = sorted(str(p) for p in (EXAMPLE / "samples").iterdir())[:10]
    run = BatchRun(script, settings, RunContext())
    try:
        run.send_one(MiniBatch(files=tuple(files)))  # boot: import and init() outside the timing
        bare_times, our_times = [], []
        for _ in range(repeat):
            bare_times.append(bare(files, n))
            our_times.append(ours(run, MiniBatch(files=tuple(files)), n))
    finally:
        run.close()
    b, o = statistics.median(bare_times), statistics.median(our_times)
    print(f"mini-batch of {len(files)} CSV files, {n} calls, median of {repeat}, milliseconds per mini-batch")
    print(f"  bare run() loop   {b * 1000:8.2f}")
    print(f"  score-contract    {o * 1000:8.2f}   ratio {o / b:.2f}x   overhead {(o - b) * 1000:+.2f} ms")


if __name__ == "__main__":
    main()
