"""Many scripts on many cores: `pytest --score …` over six bundled examples, serially and with
pytest-xdist (`-n 2` by default), alternating, medians (issue 8, part 4: target at least 1.7x on 2 cores).

Each example's own settings come from the score-contract.toml beside it (sklearn-diabetes' and
batch-files' model folders, batch-tabular's DataFrames), so one command gates them all:

    python bench/xdist_speedup.py [REPEAT] [WORKERS] [-- PYTEST ARGS]     e.g. -- --score-server

Also prints the CPU the machine had to spare (from /proc/loadavg before each run): other work on the
machine takes cores from the parallel run first.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = ("sklearn-diabetes", "numpy-schema", "pandas-schema", "rawhttp-echo", "batch-files", "batch-tabular")


def command(workers: int, extra: list[str]) -> list[str]:
    args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *extra]
    if workers:
        args += ["-n", str(workers)]
    for name in EXAMPLES:
        args += ["--score", f"examples/{name}/score.py"]
    return args


def timed(workers: int, extra: list[str]) -> float:
    # The same Hypothesis seed for both, so that both send the same bodies.
    args = [*command(workers, extra), "--hypothesis-seed=1"]
    started = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds


def load() -> float:
    with open("/proc/loadavg") as loadavg:
        return float(loadavg.read().split()[0])


def main() -> None:
    argv, extra = sys.argv[1:], []
    if "--" in argv:
        argv, extra = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    repeat = int(argv[0]) if argv else 5
    workers = int(argv[1]) if len(argv) > 1 else 2
    print(f"{len(EXAMPLES)} examples, {os.cpu_count()} cores: {' '.join(command(workers, extra)[1:])}")
    timed(0, extra)  # warm the file cache and Python's bytecode
    serial, parallel, loads = [], [], []
    for _ in range(repeat):
        loads.append(load())
        serial.append(timed(0, extra))
        loads.append(load())
        parallel.append(timed(workers, extra))
    s, p = statistics.median(serial), statistics.median(parallel)
    print(f"serial:  median {s:.2f} s  ({', '.join(f'{t:.1f}' for t in serial)})")
    print(f"-n {workers}:    median {p:.2f} s  ({', '.join(f'{t:.1f}' for t in parallel)})")
    print(f"speed-up: {s / p:.2f}x   (1-minute load average before the runs: median {statistics.median(loads):.1f})")


if __name__ == "__main__":
    main()
