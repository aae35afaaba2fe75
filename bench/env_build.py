"""Building a deployment's environment: ours (first build, then cached) against the same install by hand.

    python bench/env_build.py

Prints the seconds of: `uv venv` + `uv pip install` by hand, our first build, our cached run, and the
ratios. Each run uses fresh cache folders for the built environments (uv's package cache stays warm,
as on a developer's machine or a CI runner with a cache).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REQUIREMENTS = "azureml-inference-server-http\nsix\n"


def main() -> None:
    from score_contract.deployment.envfile import read_env_file
    from score_contract.environments.build import build, installer
    from score_contract.environments.interpreters import choose

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        requirements = root / "requirements.txt"
        requirements.write_text(REQUIREMENTS)
        tool = installer()
        started = time.perf_counter()
        by_hand = root / "by-hand"
        if tool == "uv":
            subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(by_hand)], check=True)
            subprocess.run(
                ["uv", "pip", "install", "-q", "--python", str(by_hand / "bin/python"), "-r", str(requirements)],
                check=True,
            )
        else:
            subprocess.run([sys.executable, "-m", "venv", str(by_hand)], check=True)
            subprocess.run(
                [str(by_hand / "bin/python"), "-m", "pip", "install", "-q", "-r", str(requirements)], check=True
            )
        hand = time.perf_counter() - started
        shutil.rmtree(by_hand)

        os.environ["SCORE_CONTRACT_CACHE"] = str(root / "cache")
        spec = read_env_file(requirements, "requirements.txt")
        chosen = choose("", "requirements.txt")
        started = time.perf_counter()
        first = build(spec, chosen)
        ours = time.perf_counter() - started
        started = time.perf_counter()
        again = build(spec, chosen)
        cached = time.perf_counter() - started
        assert getattr(again, "cached", False), again
        print(f"installer: {tool}")
        print(f"by hand: {hand:.2f} s; ours, first build: {ours:.2f} s ({ours / hand:.2f}x, probe included)")
        print(f"ours, cached: {cached * 1000:.1f} ms ({cached / hand:.4f}x the install by hand)")
        del first


if __name__ == "__main__":
    main()
