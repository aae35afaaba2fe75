"""The cost of our harness around the official server, against doing it by hand.

1. Boot to ready: OfficialServer(...).wait_ready() against launching the same
   launcher by hand with subprocess and polling GET / with requests.
2. Per request: the server checks' exchange of N bodies (post, respawn watch,
   log offsets) against a bare requests.Session loop over the same bodies.

Both in one command, alternating, medians:

    python bench/server_overhead.py [REPEAT] [N]
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from score_contract.core.observations import Body, Call
from score_contract.official.endtoend import _send
from score_contract.official.server import LAUNCHER, OfficialServer, free_port

SCRIPT = """
import json


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"sums": [sum(row) for row in rows]}
"""


def by_hand(app: Path) -> float:
    port = free_port()
    env = {**os.environ, "GUNICORN_CMD_ARGS": "--no-control-socket"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            LAUNCHER,
            str(os.getpid()),
            "--entry_script",
            str(app / "score.py"),
            "--port",
            str(port),
        ],
        cwd=app,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    session = requests.Session()
    session.trust_env = False
    try:
        while True:
            try:
                if session.get(f"http://127.0.0.1:{port}/", timeout=1).ok:
                    return time.perf_counter() - started
            except requests.RequestException:
                pass
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()


def ours(app: Path) -> float:
    server = OfficialServer(app / "score.py", app, None)
    try:
        boot = server.wait_ready(60)
        assert boot.ready, boot.log
        return boot.seconds
    finally:
        server.stop()


def requests_compared(app: Path, bodies: list[Body], repeat: int) -> tuple[float, float]:
    server = OfficialServer(app / "score.py", app, None)
    try:
        assert server.wait_ready(60).ready
        session = requests.Session()
        session.trust_env = False
        calls = [Call(body) for body in bodies]
        bare, harness = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            for body in bodies:
                session.post(
                    server.url + "/score", data=body.data, headers={"Content-Type": body.content_type}, timeout=10
                )
            bare.append((time.perf_counter() - started) / len(bodies))
            started = time.perf_counter()
            for call in calls:
                _send(server, call, 5, ())
            harness.append((time.perf_counter() - started) / len(bodies))
        return statistics.median(bare), statistics.median(harness)
    finally:
        server.stop()


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp)
        (app / "score.py").write_text(SCRIPT)
        ours(app), by_hand(app)  # warm the file cache
        hand, harness = [], []
        for _ in range(repeat):
            hand.append(by_hand(app))
            harness.append(ours(app))
        hand_s, ours_s = statistics.median(hand), statistics.median(harness)
        print(f"boot to first 200 on GET /, median of {repeat}")
        print(f"  by hand (Popen + requests polling)  {hand_s:.3f} s")
        print(f"  OfficialServer.wait_ready()          {ours_s:.3f} s")
        print(f"  ratio {ours_s / hand_s:.2f}x")
        bodies = [Body.from_json({"data": [[i, i + 1.5]] * (1 + i % 4)}) for i in range(count)]
        bare_s, exchange_s = requests_compared(app, bodies, repeat)
        print(f"per request over loopback HTTP, {count} bodies, median of {repeat}")
        print(f"  bare requests.Session loop           {bare_s * 1000:.3f} ms")
        print(f"  the server checks' exchange          {exchange_s * 1000:.3f} ms")
        print(f"  ratio {exchange_s / bare_s:.2f}x")
    print(json.dumps({"boot_ratio": round(ours_s / hand_s, 3), "request_ratio": round(exchange_s / bare_s, 3)}))


if __name__ == "__main__":
    main()
