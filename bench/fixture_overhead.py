"""What a contract test pays per call through the public client (score_contract.open_script, the score_script
fixture's client) against a bare in-process loop over run() on the same bodies, in one run.

The client sends each body through the script's worker process as the gate does: the server's argument handling,
run(), the server's response encoding, the caught-exception watcher and the memory figures; so its cost per call is
the gate's per-body cost without Hypothesis's drawing (compare bench/fuzz_overhead.py's "Hypothesis's drawing
aside").

    python bench/fixture_overhead.py [N] [REPEAT]
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.linear_script import LINEAR as SCRIPT  # noqa: E402
from score_contract import open_script  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    bodies = [{"data": [[i, i + 1, i + 2]]} for i in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "score.py"
        script.write_text(SCRIPT)
        spec = importlib.util.spec_from_file_location("entry_module", script)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.init()
        texts = [json.dumps(body) for body in bodies]
        bare, client_times = [], []
        with open_script(script) as client:
            client.run(bodies[0])  # the worker is up and warm
            for _ in range(repeat):
                started = time.perf_counter()
                for text in texts:
                    module.run(text)
                bare.append(time.perf_counter() - started)
                started = time.perf_counter()
                for body in bodies:
                    client.run(body)
                client_times.append(time.perf_counter() - started)
    ours, theirs = statistics.median(client_times), statistics.median(bare)
    print(f"N = {count} bodies, median of {repeat}")
    print(f"  bare loop over run() in-process   {theirs * 1000:8.2f} ms   {theirs / count * 1e6:7.1f} µs a call")
    print(f"  client.run() through the worker   {ours * 1000:8.2f} ms   {ours / count * 1e3:7.3f} ms a call")
    print(f"overhead per call: {(ours - theirs) / count * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
