"""What the plugin costs a test run that does not use it (no --score), against bare pytest, in one run.

A team's own `pytest` loads every installed pytest11 plugin, ours too: its import and its pytest_configure are
paid by every test run on a machine where score-contract is installed. This times whole processes, alternating,
REPEAT times each: `pytest -p no:cacheprovider --co -q` on a folder that holds one trivial test (and an empty
pytest.ini, so that no other configuration is read), with the plugin, and with it blocked (`-p no:score_contract`,
its pytest11 name). Then `import pytest_score_contract` after `import pytest`, in a fresh process, alone.
The target (issue 22) is a difference of at most 0.05 s.

    python bench/plugin_import.py [REPEAT]
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The plugin's name in pyproject.toml's [project.entry-points.pytest11].
ENTRY_POINT = "score_contract"

IMPORT_ONLY = """
import time
import pytest
started = time.perf_counter()
import pytest_score_contract
print(time.perf_counter() - started)
"""


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run: on a shared machine the CPU time varies less."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return elapsed, _children_cpu() - cpu


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pytest.ini").write_text("[pytest]\n")
        (folder / "test_trivial.py").write_text("def test_one_plus_one():\n    assert 1 + 1 == 2\n")
        pytest = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--co", "-q", "."]
        commands = {"with the plugin": pytest, "bare pytest": [*pytest, "-p", f"no:{ENTRY_POINT}"]}
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        imports: list[float] = []
        timed(pytest, folder)  # warm the file cache and the bytecode
        for _ in range(repeat):
            for name, command in commands.items():
                times[name].append(timed(command, folder))
            done = subprocess.run([sys.executable, "-c", IMPORT_ONLY], capture_output=True, text=True, check=True)
            imports.append(float(done.stdout))
    print(f"Python {sys.version.split()[0]}, median of {repeat} alternating runs, seconds")
    for what, index in (("wall", 0), ("CPU", 1)):
        bare = statistics.median(t[index] for t in times["bare pytest"])
        plugin = statistics.median(t[index] for t in times["with the plugin"])
        print(
            f"  pytest --co {what:4s}: bare {bare:.3f}  with the plugin {plugin:.3f}"
            f"   difference {plugin - bare:+.3f} s  ({plugin / bare:.2f}x)"
        )
    print(f"  import pytest_score_contract after pytest: {statistics.median(imports):.3f}")


if __name__ == "__main__":
    main()
