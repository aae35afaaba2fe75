"""How many of our deliberately broken scripts default settings catch, and how long each takes.

Runs `pytest --score` with default settings (no seed: Hypothesis picks one) on every
broken script under tests/fuzz, tests/realworld and examples/broken-*, REPEAT times each,
and prints whether exactly the expected checks failed and the wall time of each run.
The scripts that hang (tests/fuzz/hangs_*) show what a hang costs with the default
5 s timeout: their runs should take at most about five timeouts more than the others.

    python bench/detection.py [REPEAT]
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.test_fuzzing import BROKEN  # noqa: E402
from tests.test_realworld import BROKEN as REALWORLD  # noqa: E402


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    targets: list[tuple[str, set[str], list[str]]] = [
        (f"tests/fuzz/{name}/score.py", {check}, []) for name, (check, _) in BROKEN.items()
    ]
    targets += [(f"tests/realworld/{name}/score.py", checks, []) for name, checks in REALWORLD.items()]
    targets += [
        ("examples/broken-numpy-output/score.py", {"output_is_json_encodable"}, []),
        ("examples/broken-nan-output/score.py", {"output_is_strict_json"}, []),
        ("examples/broken-empty-batch/score.py", {"run_accepts_valid_input"}, []),
        ("examples/broken-init-twice/score.py", {"init_runs_once"}, []),
        (
            "examples/broken-model-path/score.py",
            {"init_succeeds"},
            ["--score-model-dir", "examples/sklearn-diabetes/model"],
        ),
    ]
    always, slowest = 0, 0.0
    for path, checks, extra in targets:
        times, hits = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf", "--score", path, *extra]
            output = subprocess.run(command, cwd=REPO, capture_output=True, text=True).stdout
            times.append(time.perf_counter() - started)
            hits += set(re.findall(r"^FAILED \S+::(\w+)", output, re.MULTILINE)) == checks
        always += hits == repeat
        slowest = max(slowest, max(times))
        shown = ",".join(sorted(checks))
        print(f"{path:50s} {shown:50s} found {hits}/{repeat}  wall {min(times):.2f}-{max(times):.2f} s")
    print(f"{always} of {len(targets)} found in every run; slowest run {slowest:.1f} s")


if __name__ == "__main__":
    main()
