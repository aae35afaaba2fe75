"""Building a deployment's environment: which installer decides, when a cached one is resolved again,
conda-only packages, waiting on another session's build, and what the terminal (or a CI log) sees.

Builds use a cache folder of their own (SCORE_CONTRACT_CACHE) and tiny packages: six from PyPI, and
wheels made here, served from a local folder (a find-links folder, or a PEP 503 index as an internal
mirror is), so that what an index offers can change during a test.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from score_contract.deployment.envfile import read_env_file
from score_contract.environments import installers
from score_contract.environments.build import BuildFailure, Built, build
from score_contract.environments.interpreters import choose

REPO = Path(__file__).parent.parent


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def wheel(folder: Path, name: str, version: str) -> Path:
    """A pure-Python wheel holding one module, ``name`` with underscores, whose VERSION is ``version``."""
    module = name.replace("-", "_")
    dist = f"{module}-{version}"
    files = {
        f"{module}.py": f"VERSION = {version!r}\n",
        f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [
        f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()},"
        f"{len(text.encode())}"
        for path, text in files.items()
    ]
    files[f"{dist}.dist-info/RECORD"] = "\n".join([*record, f"{dist}.dist-info/RECORD,,"]) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SCORE_CONTRACT_CACHE", str(folder))
    monkeypatch.delenv("SCORE_CONTRACT_INSTALLER", raising=False)
    monkeypatch.delenv("SCORE_CONTRACT_ENV_RECHECK_HOURS", raising=False)
    return folder


needs_uv = pytest.mark.skipif(installers.uv_path() is None, reason="uv is not installed")


# -- which installer decides -----------------------------------------------------------


@needs_uv
def test_what_uv_refuses_and_pip_installs_is_decided_by_pip(tmp_path: Path, cache: Path) -> None:
    # An internal mirror (--extra-index-url) holds an old six; PyPI the one asked for. uv takes a package from
    # the first index that has it (its guard against dependency confusion) and refuses; pip, which the
    # platform installs with, looks in both and installs it. pip decides, and says so.
    mirror = tmp_path / "mirror" / "simple"
    old = wheel(mirror / "six", "six", "0.1")
    write(mirror / "six" / "index.html", f'<a href="{old.name}">{old.name}</a>')
    write(mirror / "index.html", '<a href="six/">six</a>')
    env = write(tmp_path / "requirements.txt", f"--extra-index-url {mirror.as_uri()}\nsix>=1.16\n")
    spec = read_env_file(env, "requirements.txt")
    chosen = choose("", "requirements.txt")
    said: list[str] = []
    built = build(spec, chosen, progress=said.append)
    assert isinstance(built, Built), built
    assert built.installer == "pip" and built.distributions["six"] >= "1.16"
    assert built.note.startswith("uv could not install it (") and "six>=1.16" in built.note
    assert built.note.endswith("; pip, which the platform installs with, could")
    assert any(line.startswith("uv could not install it") for line in said), said
    # Later runs take pip's build, and say how it came to be.
    again = build(spec, chosen)
    assert isinstance(again, Built) and again.cached and again.installer == "pip" and again.note == built.note


def test_an_installers_verdict_is_its_error_line_not_the_compilers_last_words() -> None:
    # uv's output when the inline v1 environment above failed (azureml-defaults 1.0.85.1 pulled ruamel-yaml
    # 0.15.89, whose C extension does not compile on Python 3.11), cut short: the build's own stderr and
    # uv's hints come after its verdict.
    failed_build = (
        "Resolved 64 packages in 21.13s\n   Building ruamel-yaml==0.15.89\n"
        "error: Failed to build `ruamel-yaml==0.15.89`\n  cause: The build backend returned an error\n"
        "  cause: Call to `setuptools.build_meta:__legacy__.build_wheel` failed (exit status: 1)\n\n"
        "      [stderr]\n      ext/_ruamel_yaml.c:1:10: fatal error: longintrepr.h: No such file or directory\n"
        "      error: command '/usr/bin/gcc' failed with exit code 1\n\n"
        "hint: `ruamel-yaml` (v0.15.89) was included because `azureml-defaults` (v1.0.85.1) depends on"
        " `azureml-core` (v1.0.85.6) which depends on `ruamel-yaml`\n"
    )
    assert installers.last_line(failed_build) == "Failed to build `ruamel-yaml==0.15.89`"
    unsolvable = (
        "error: No solution found when resolving dependencies\n  cause: Because only six==0.1 is available and"
        " you require six>=1.16, we can conclude that your requirements are unsatisfiable.\n\nhint: `six` was found"
        " on file:///mirror/simple, but not at the requested version (six>=1.16).\n"
    )
    assert installers.last_line(unsolvable) == (
        "No solution found when resolving dependencies: Because only six==0.1 is available and you require"
        " six>=1.16, we can conclude that your requirements are unsatisfiable."
    )
    pip = "Collecting six\nERROR: Could not find a version that satisfies the requirement x==1.0\nERROR: No matching distribution found for x==1.0\n"
    assert installers.last_line(pip) == "No matching distribution found for x==1.0"


# -- a cached environment resolved again -----------------------------------------------------


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_an_unpinned_requirement_moves_on_a_warm_cache_when_it_is_resolved_again(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, installer: str
) -> None:
    if installer == "uv" and installers.uv_path() is None:
        pytest.skip("uv is not installed")
    monkeypatch.setenv("SCORE_CONTRACT_INSTALLER", installer)
    links = tmp_path / "links"
    wheel(links, "score-contract-drifting", "1.0")
    env = write(tmp_path / "requirements.txt", f"--no-index\n--find-links {links}\nscore-contract-drifting\n")
    spec = read_env_file(env, "requirements.txt")
    chosen = choose("", "requirements.txt")
    first = build(spec, chosen)
    assert isinstance(first, Built) and first.distributions["score-contract-drifting"] == "1.0"
    wheel(links, "score-contract-drifting", "1.1")  # the index has a newer match now
    # Resolved within the last day: the cache stands, as it did.
    kept = build(spec, chosen)
    assert isinstance(kept, Built) and kept.cached and kept.distributions["score-contract-drifting"] == "1.0"
    # Due (0 hours: every run): resolved again, and rebuilt since the resolution moved.
    monkeypatch.setenv("SCORE_CONTRACT_ENV_RECHECK_HOURS", "0")
    said: list[str] = []
    moved = build(spec, chosen, progress=said.append)
    assert isinstance(moved, Built) and not moved.cached, moved
    assert moved.distributions["score-contract-drifting"] == "1.1"
    assert moved.note == "rebuilt, as the index moved since it was cached: score-contract-drifting 1.0 -> 1.1"
    assert any("resolving the cached environment" in line for line in said), said
    # Resolved again, nothing moved: the cache stands.
    same = build(spec, chosen)
    assert isinstance(same, Built) and same.cached and not same.note
    # The index cannot be reached: the cached environment is used, and the note says why.
    shutil.rmtree(links)
    offline = build(spec, chosen)
    assert isinstance(offline, Built) and offline.cached and offline.note.startswith("not resolved again (")


# -- conda-only packages -----------------------------------------------------------------


def fake_tools(folder: Path, *names: str, body: str = "exit 0") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        tool = folder / name
        tool.write_text(f"#!/bin/sh\n{body}\n")
        tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    return folder


def test_micromamba_then_mamba_then_conda_is_the_conda_tool_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conda_only = fake_tools(tmp_path / "a", "conda")
    mamba = fake_tools(tmp_path / "b", "mamba")
    micromamba = fake_tools(tmp_path / "c", "micromamba")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert installers.conda_tool() is None
    monkeypatch.setenv("PATH", os.pathsep.join(map(str, (conda_only, mamba))))
    assert installers.conda_tool() == str(mamba / "mamba")
    monkeypatch.setenv("PATH", os.pathsep.join(map(str, (conda_only, mamba, micromamba))))
    assert installers.conda_tool() == str(micromamba / "micromamba")
    assert installers.conda_commands(str(micromamba / "micromamba"), Path("/env"), Path("/env.yaml")) == [
        [str(micromamba / "micromamba"), "create", "--yes", "--quiet", "--prefix", "/env", "--file", "/env.yaml"]
    ]
    assert installers.conda_commands("/opt/conda/bin/conda", Path("/env"), Path("/env.yaml")) == [
        ["/opt/conda/bin/conda", "env", "create", "--quiet", "--prefix", "/env", "--file", "/env.yaml"]
    ]


GDAL_ENV = """name: geo-scoring
channels:
  - conda-forge
dependencies:
  - python=3.11
  - conda-forge::gdal=3.9
  - pip
  - pip:
    - azureml-inference-server-http
"""


def test_a_conda_only_package_without_conda_skips_naming_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without conda the gate cannot reproduce gdal (GDAL on PyPI is a source distribution that builds only
    # against libgdal): that is not "does not install", which pip's failure would have said.
    monkeypatch.setenv("PATH", os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p))
    if installers.conda_tool() is not None:
        pytest.skip("a conda tool is on PATH")
    monkeypatch.setenv("SCORE_CONTRACT_CACHE", str(pytester.path / "cache"))
    write(
        pytester.path / "onlinescoring" / "score.py",
        "from osgeo import gdal\ndef init():\n    pass\ndef run(raw):\n    return raw\n",
    )
    write(pytester.path / "environment" / "conda.yaml", GDAL_ENV)
    result = pytester.runpytest("--score", "onlinescoring/score.py", "--score-env", "environment/conda.yaml", "-rs")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed") is None and outcomes.get("passed") is None, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [1] onlinescoring/score.py:1: environment/conda.yaml needs conda-forge::gdal=3.9 from conda"
            " (no PyPI package installs it): with none of micromamba, mamba, conda on PATH, this machine cannot"
            " build the environment",
            "SKIPPED ?17? onlinescoring/score.py:1: the environment cannot be built on this machine;"
            " see onlinescoring/score.py::environment_builds",
        ]
    )
    assert not (pytester.path / "cache" / "envs").exists()


def test_a_conda_only_package_is_built_by_the_conda_tool_on_path(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in for micromamba: it records how it is called and makes an empty environment at the prefix.
    # What this shows is the gate's side (the command, the whole conda file, the prefix used as the
    # environment), not conda's: no conda is installed here.
    calls = tmp_path / "calls.txt"
    body = (
        f'echo "$@" >> {calls}\nwhile [ "$1" != "--prefix" ]; do shift; done\n'
        f'exec {sys.executable} -m venv --without-pip "$2"'
    )
    monkeypatch.setenv(
        "PATH", os.pathsep.join([str(fake_tools(tmp_path / "bin", "micromamba", body=body)), os.environ["PATH"]])
    )
    spec = read_env_file(write(tmp_path / "conda.yaml", GDAL_ENV), "conda.yaml")
    assert spec.needs_conda == ("conda-forge::gdal=3.9",)
    built = build(spec, choose(spec.python, "conda.yaml"))
    assert isinstance(built, Built) and built.installer == "micromamba", built
    (called,) = calls.read_text().splitlines()
    words = called.split()
    assert words[:3] == ["create", "--yes", "--quiet"] and words[3:5] == ["--prefix", str(built.folder)]
    assert words[5] == "--file" and Path(words[6]).read_text() == GDAL_ENV  # the file as written, to conda
    assert built.python == built.folder / "bin" / "python" and built.python_version
    assert isinstance(build(spec, choose(spec.python, "conda.yaml")), Built)  # from the cache: no second call
    assert len(calls.read_text().splitlines()) == 1


# -- other sessions, and what the terminal sees -----------------------------------------------


def test_waiting_on_another_sessions_build_of_the_same_environment_says_so(tmp_path: Path, cache: Path) -> None:
    import fcntl

    spec = read_env_file(write(tmp_path / "requirements.txt", "six\n"), "requirements.txt")
    chosen = choose("", "requirements.txt")
    assert isinstance(build(spec, chosen), Built)
    said: list[str] = []
    locks = sorted((cache / "envs").glob("*.lock"))
    with open(locks[0], "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another session, building it
        waiting = threading.Thread(target=build, args=(spec, chosen), kwargs={"progress": said.append})
        waiting.start()
        deadline = time.monotonic() + 30
        while not said and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting.is_alive()  # it waits for the lock
    waiting.join(60)
    assert said[0] == f"waiting for another session building the same environment (it holds {locks[0]})", said


def test_the_installers_output_is_kept_for_the_failure_not_streamed(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCORE_CONTRACT_INSTALLER", "pip")
    spec = read_env_file(
        write(tmp_path / "requirements.txt", "six\nscore-contract-no-such-package-anywhere==1.0\n"), "requirements.txt"
    )
    said: list[str] = []
    failed = build(spec, choose("", "requirements.txt"), progress=said.append)
    assert isinstance(failed, BuildFailure)
    # All of it, from pip's first lines (about six) to its verdict: not only the last lines.
    assert "six" in failed.output.split("ERROR:")[0]
    verdict = "No matching distribution found for score-contract-no-such-package-anywhere==1.0"
    assert failed.output.rstrip().endswith(verdict)
    output = [line for line in failed.output.splitlines() if line.strip()]
    assert not any(line in said_line for line in output for said_line in said), said
    assert all(line.startswith("building the environment with pip: ") for line in said), said


def _gate_in_a_log(workdir: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """`pytest --score ...` with its output going to a file, as a CI log: not a terminal."""
    environ = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=workdir,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done, time.monotonic() - started


def _said(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith("score-contract: ")]


def test_an_environment_build_says_how_it_goes_in_a_ci_log_a_few_lines_at_most(tmp_path: Path) -> None:
    # Not a terminal (a CI log): a build says how it is going, at most one line every few seconds, instead of
    # minutes of silence, and without the installer's own lines. A batch script, whose environment needs no server:
    # a pip build of six takes a few seconds, enough for its first line.
    write(
        tmp_path / "app" / "score.py", "def init():\n    pass\n\n\ndef run(mini_batch):\n    return list(mini_batch)\n"
    )
    write(tmp_path / "app" / "samples" / "a.csv", "x\n1\n")
    write(tmp_path / "app" / "requirements.txt", "six\n")
    done, elapsed = _gate_in_a_log(
        tmp_path, "--score", "app/score.py", "--score-env", "app/requirements.txt",
        SCORE_CONTRACT_CACHE=str(tmp_path / "cache"), SCORE_CONTRACT_INSTALLER="pip",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = _said(done)
    assert any(line.startswith("score-contract: building the environment with pip: ") for line in lines), done.stdout
    assert len(lines) <= 4 + elapsed / 5, lines  # the environment's name, then a line every 5 s at most
    assert "Collecting" not in done.stdout


def test_a_long_search_says_how_it_goes_in_a_ci_log_a_few_lines_at_most(tmp_path: Path) -> None:
    write(
        tmp_path / "app" / "score.py",
        "import json, time\ndef init():\n    pass\ndef run(raw):\n    time.sleep(0.03)\n    return json.loads(raw)\n",
    )
    write(tmp_path / "app" / "samples" / "one.json", '{"a": 1}')
    write(
        tmp_path / "app" / "request.schema.json",
        '{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}',
    )
    done, elapsed = _gate_in_a_log(tmp_path, "--score", "app/score.py", "--score-examples", "250")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = _said(done)
    assert any("bodies sent so far" in line for line in lines), done.stdout
    assert len(lines) <= 2 + elapsed / 5, lines


def test_collect_only_builds_no_environment(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--score", "examples/deployment/deployment.yml"]
        + ["--collect-only", "-q"],
        cwd=REPO,
        env={**environ, "SCORE_CONTRACT_CACHE": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "examples/deployment/deployment.yml::environment_builds" in done.stdout
    assert not (tmp_path / "cache").exists(), done.stdout


# -- coverage.py on another Python -----------------------------------------------------------


def other_python() -> str:
    from score_contract.environments.interpreters import installed

    ours = f"{sys.version_info.major}.{sys.version_info.minor}"
    found = [i.minor for i in installed() if i.minor != ours and i.version.minor >= 10]
    if not found:
        pytest.skip("no other Python 3.10+ on this machine")
    return found[0]


def test_coverage_is_measured_in_a_deployment_on_another_python(tmp_path: Path) -> None:
    # The batch deployment of tests/deployment, its conda file asking for another Python than ours: coverage.py
    # is not in that environment (nor may it be put there); the gate installs it for that Python beside it.
    minor = other_python()
    shutil.copytree(REPO / "tests" / "deployment" / "batch_without_server", tmp_path / "batch")
    conda = tmp_path / "batch" / "environment" / "conda.yaml"
    conda.write_text(conda.read_text().replace("python=3.11", f"python={minor}"))
    environ = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "--score", "batch/deployment.yml"]
        + ["--score-cov-fail-under", "90"],
        cwd=tmp_path,
        env={**environ, "SCORE_CONTRACT_CACHE": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED batch/deployment.yml::bodies_cover_the_script" in done.stdout
    assert f"Python {minor}." in done.stdout  # it ran there
    side = list((tmp_path / "cache" / "tools").glob(f"coverage-*-py{minor}/coverage/__init__.py"))
    assert side, "coverage.py is installed beside the environment"
    env_folder = next(p for p in (tmp_path / "cache" / "envs").iterdir() if p.is_dir())
    assert not list(env_folder.glob("lib/python*/site-packages/coverage")), "never into the deployment's environment"
