"""Many scripts on many cores: `pytest --score …` over eight CPU-heavy scoring scripts, serially and with
pytest-xdist (`-n 2` by default), alternating, medians (issue 22, item 3: target at least 1.6x on 2 cores).

Each script does what a real model does to a core: init() about 0.4 s of arithmetic (loading and preparing a
model), run() about 4 ms a call (a prediction), and each declares its request in a request.schema.json beside it,
so the gate generates its bodies from a JSON Schema. The scripts are written to a fresh folder that is pytest's
root there, so its cache (.pytest_cache, where score-contract keeps each script's duration to start the longest
first) belongs to the bench; a first run fills it, and warms the file cache and bytecode.

    python bench/xdist_speedup.py [REPEAT] [WORKERS] [--bundled] [--timeline] [-- PYTEST ARGS]

``--bundled`` measures six bundled examples instead (each with its score-contract.toml), as issue 8 did.
``--timeline`` runs once serially and once with ``-n WORKERS`` and draws when each script's checks ran on
which xdist worker, and when its worker process imported it, ran init() and answered its first and last call:
where a worker idles, and what each script waits for.

Also prints the CPU the machine had to spare (from /proc/loadavg before each run): other work on the machine
takes cores from the parallel run first.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLED = ("sklearn-diabetes", "numpy-schema", "pandas-schema", "rawhttp-echo", "batch-files", "batch-tabular")
HEAVY = 8

HEAVY_SCRIPT = """
import json
import os
import time

weights = None


def _mark(event):
    # Only with --timeline: when this worker process imported the script, ran init() and run().
    log = os.environ.get("SCORE_BENCH_TIMELINE")
    if log:
        with open(log, "a") as out:
            out.write(json.dumps({"t": time.time(), "pid": os.getpid(), "script": __file__, "event": event}) + "\\n")


def _work(seconds):
    # CPU time, not sleep: a model's arithmetic competes for the cores.
    total, deadline = 0, time.process_time() + seconds
    while time.process_time() < deadline:
        for n in range(500):
            total += n * n % 7
    return total


_mark("import")


def init():
    global weights
    _mark("init")
    _work(0.4)
    weights = [0.5, -0.25, 1.0]
    _mark("init done")


def run(raw_data):
    _mark("run")
    rows = json.loads(raw_data)["data"]
    _work(0.004)
    return {"scores": [sum(w * x for w, x in zip(weights, row)) for row in rows]}
"""

HEAVY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "array",
                "minItems": 3,
                "maxItems": 3,
                "items": {"type": "number", "minimum": -1000, "maximum": 1000},
            },
        }
    },
}

#: With --timeline: each check's start and end, by xdist worker (conftest.py of the bench's folder).
TIMELINE_CONFTEST = """
import json
import os
import time

import pytest


def _mark(event, nodeid=""):
    log = os.environ.get("SCORE_BENCH_TIMELINE")
    if log:
        with open(log, "a") as out:
            worker = os.environ.get("PYTEST_XDIST_WORKER") or ("controller" if _CONTROLLER else "serial")
            out.write(json.dumps({"t": time.time(), "worker": worker, "node": nodeid, "event": event}) + "\\n")


_CONTROLLER = False


def pytest_configure(config):
    global _CONTROLLER
    _CONTROLLER = bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")
    _mark("configure")


def pytest_collection_finish(session):
    _mark("collected")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    # Where the check runs (an xdist worker), not where its report arrives (the controller).
    _mark("start", item.nodeid)
    try:
        return (yield)
    finally:
        _mark("end", item.nodeid)


def pytest_unconfigure(config):
    _mark("unconfigure")
"""


def heavy_scripts(folder: Path, timeline: bool) -> list[str]:
    (folder / "pytest.ini").write_text("[pytest]\n")  # pytest's root, and its cache, are the bench's own
    if timeline:
        (folder / "conftest.py").write_text(TIMELINE_CONFTEST)
    names = []
    for n in range(1, HEAVY + 1):
        script = folder / f"model-{n}" / "score.py"
        script.parent.mkdir()
        script.write_text(HEAVY_SCRIPT)
        (script.parent / "request.schema.json").write_text(json.dumps(HEAVY_SCHEMA))
        names.append(f"model-{n}/score.py")
    return names


def command(scripts: list[str], workers: int, extra: list[str]) -> list[str]:
    args = [sys.executable, "-m", "pytest", "-q", *extra]
    if workers:
        args += ["-n", str(workers)]
    for name in scripts:
        args += ["--score", name]
    # The same Hypothesis seed for both, so that both send the same bodies.
    return [*args, "--hypothesis-seed=1"]


def timed(cwd: Path, args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds


def load() -> float:
    with open("/proc/loadavg") as loadavg:
        return float(loadavg.read().split()[0])


def draw(events: list[dict[str, object]], started: float, seconds: float, width: int = 100) -> list[str]:
    """One line per pytest process (``-`` from its configure to its collection's end, then a letter per script
    while that script's checks run; ``=`` from its last check to its end) and one per script's worker process
    (``i`` import to init(), ``I`` init(), ``r`` calls), over the run's wall time from launch; ``.`` is idle."""
    scale = width / seconds

    def column(t: object) -> int:
        return max(0, min(width - 1, int((float(str(t)) - started) * scale)))

    def fill(row: list[str], begin: object, end: object, symbol: str) -> None:
        for c in range(column(begin), column(end) + 1):
            row[c] = symbol

    scripts = sorted({str(e["node"]).split("::")[0] for e in events if e.get("node")})
    letter = {script: chr(ord("A") + n) for n, script in enumerate(scripts)}
    lines = [f"0 s{' ' * (width - 6)}{seconds:.1f} s", "  " + ", ".join(f"{letter[s]} {s}" for s in scripts)]
    rows: dict[str, list[str]] = defaultdict(lambda: ["."] * width)
    by_process: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    opened: dict[tuple[str, str], float] = {}
    for e in events:
        if "worker" not in e:
            continue
        name, t = str(e["worker"]), float(str(e["t"]))
        by_process[name][str(e["event"])].append(t)
        if e["event"] == "start":
            opened[(name, str(e["node"]))] = t
        elif e["event"] == "end" and (name, str(e["node"])) in opened:
            fill(rows[name], opened.pop((name, str(e["node"]))), t, letter[str(e["node"]).split("::")[0]])
    for name, marks in by_process.items():
        if marks.get("configure") and marks.get("collected"):
            fill(rows[name], marks["configure"][0], marks["collected"][0], "-")
        if marks.get("end") and marks.get("unconfigure"):
            fill(rows[name], max(marks["end"]), marks["unconfigure"][0], "=")
    processes: dict[tuple[str, object], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for e in events:
        if "pid" in e:
            processes[(Path(str(e["script"])).parent.name, e["pid"])][str(e["event"])].append(float(str(e["t"])))
    for (script, pid), marks in sorted(processes.items(), key=lambda kv: min(min(v) for v in kv[1].values())):
        row = rows[f"{script} ({pid})"]
        for symbol, begin, end in (("i", "import", "init"), ("I", "init", "init done")):
            if marks.get(begin) and marks.get(end):
                fill(row, marks[begin][0], marks[end][0], symbol)
        for t in marks.get("run", []):
            row[column(t)] = "r"
    width_of_names = max(len(name) for name in rows)
    lines += [f"{name:>{width_of_names}} |{''.join(row)}|" for name, row in rows.items()]
    return lines


def timeline(cwd: Path, scripts: list[str], workers: int, extra: list[str], env: dict[str, str]) -> None:
    for n in (0, workers):
        log = cwd / f"timeline-{n}.jsonl"
        started = time.time()
        seconds = timed(cwd, command(scripts, n, extra), {**env, "SCORE_BENCH_TIMELINE": str(log)})
        events = [json.loads(line) for line in log.read_text().splitlines()]
        print(f"\n{'serial' if not n else f'-n {n}'}: {seconds:.2f} s (load {load():.1f})")
        print("\n".join(draw(events, started, seconds)))


def main() -> None:
    argv, extra = sys.argv[1:], []
    if "--" in argv:
        argv, extra = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    bundled, show = "--bundled" in argv, "--timeline" in argv
    argv = [a for a in argv if a not in ("--bundled", "--timeline")]
    repeat = int(argv[0]) if argv else 5
    workers = int(argv[1]) if len(argv) > 1 else 2
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("CI", None)  # Hypothesis's ci profile would change what is sent
    # pytest rewrites the asserts of every plugin's package, Hypothesis's too (1.3 s of CPU a process here), and
    # caches the result as bytecode beside it, as it does on CI: without this each process would rewrite again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    folder = Path(tempfile.mkdtemp(prefix="score-contract-xdist-bench-"))
    try:
        if bundled:
            cwd, scripts = REPO, [f"examples/{name}/score.py" for name in BUNDLED]
            extra = ["-p", "no:cacheprovider", *extra]
        else:
            cwd, scripts = folder, heavy_scripts(folder, show)
        print(f"{len(scripts)} scripts, {os.cpu_count()} cores: {' '.join(command(scripts, workers, extra)[1:])}")
        timed(cwd, command(scripts, workers, extra), env)  # fills the cache; warms files and bytecode
        if show:
            timeline(cwd, scripts, workers, extra, env)
            return
        serial, parallel, loads = [], [], []
        for _ in range(repeat):
            loads.append(load())
            serial.append(timed(cwd, command(scripts, 0, extra), env))
            loads.append(load())
            parallel.append(timed(cwd, command(scripts, workers, extra), env))
        s, p = statistics.median(serial), statistics.median(parallel)
        print(f"serial:  median {s:.2f} s  ({', '.join(f'{t:.2f}' for t in serial)})")
        print(f"-n {workers}:    median {p:.2f} s  ({', '.join(f'{t:.2f}' for t in parallel)})")
        ratios = sorted(a / b for a, b in zip(serial, parallel, strict=True))
        print(
            f"speed-up: {s / p:.2f}x   (pairwise {ratios[0]:.2f}-{ratios[-1]:.2f}x; 1-minute load average before"
            f" the runs: median {statistics.median(loads):.1f}, max {max(loads):.1f})"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
