"""Gating a deployment: the spec's fields, the model's mount, the environment built for real.

The environment tests build real virtual environments (uv when installed, from its cache) in the
user cache folder, as users' runs do; the cache test uses a folder of its own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from score_contract.config.settings import Settings
from score_contract.deployment.envfile import read_env_file
from score_contract.deployment.mount import mounted_model_dir
from score_contract.deployment.spec import read_spec
from score_contract.environments.build import BuildFailure, Built, build
from score_contract.environments.imports import top_level_imports
from score_contract.environments.interpreters import Interpreter, choose
from score_contract.errors import UsageError
from score_contract.planning.targets import target_of

REPO = Path(__file__).parent.parent
HERE = Path(__file__).parent / "deployment"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- reading the spec ----------------------------------------------------------


def test_every_field_of_a_managed_online_deployment_is_read(tmp_path: Path) -> None:
    write(tmp_path / "src" / "score.py", "def init(): pass\ndef run(d): return d\n")
    write(tmp_path / "env" / "conda.yml", "dependencies: [numpy]\n")
    write(tmp_path / "model" / "clf.pkl", "x")
    spec = write(
        tmp_path / "deploy" / "blue.yml",
        """$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: blue
model: {path: ../model/clf.pkl, name: clf, version: 4}
code_configuration: {code: ../src, scoring_script: score.py}
environment: {conda_file: ../env/conda.yml, image: mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest}
environment_variables: {WORKER_COUNT: "3", GREETING: hello}
request_settings: {request_timeout_ms: 1500, max_concurrent_requests_per_instance: 4}
liveness_probe: {initial_delay: 5, period: 2, failure_threshold: 10}
instance_type: Standard_F2s_v2
""",
    )
    deployment = read_spec(spec, "blue.yml")
    assert deployment.format == "managed online" and deployment.kind == "online"
    assert deployment.script == tmp_path / "src" / "score.py"
    assert deployment.code == tmp_path / "src"
    assert (deployment.model_path, deployment.model_name, deployment.model_version) == (
        tmp_path / "model" / "clf.pkl",
        "clf",
        "4",
    )
    assert deployment.env_file == tmp_path / "env" / "conda.yml"
    assert deployment.image.startswith("mcr.microsoft.com/")
    assert deployment.environment_variables == {"WORKER_COUNT": "3", "GREETING": "hello"}
    assert deployment.workers == 3
    assert deployment.request_timeout == 1.5 and deployment.max_concurrent == 4
    assert deployment.init_budget == 5 + 2 * 10
    assert deployment.instance_type == "Standard_F2s_v2"
    assert deployment.missing is None and deployment.references == ()


def test_probe_and_timeout_defaults_are_the_platforms(tmp_path: Path) -> None:
    write(tmp_path / "score.py", "")
    spec = write(tmp_path / "d.yaml", "code_configuration: {code: ., scoring_script: score.py}\ntype: kubernetes\n")
    deployment = read_spec(spec, "d.yaml")
    assert deployment.format == "Kubernetes online"
    assert deployment.request_timeout == 5.0  # request_timeout_ms 5000
    assert deployment.init_budget == 10 + 10 * 30
    assert deployment.max_concurrent == 1


def test_a_batch_deployment_is_read_as_batch(tmp_path: Path) -> None:
    write(tmp_path / "code" / "driver.py", "")
    spec = write(
        tmp_path / "batch.yml",
        "$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json\n"
        "code_configuration: {code: code, scoring_script: driver.py}\n"
        "mini_batch_size: 3\noutput_action: append_row\nretry_settings: {max_retries: 2, timeout: 45}\n",
    )
    deployment = read_spec(spec, "batch.yml")
    assert (deployment.kind, deployment.mini_batch_size, deployment.request_timeout) == ("batch", 3, 45.0)
    assert deployment.init_budget is None


def test_a_v1_inference_configuration_is_read(tmp_path: Path) -> None:
    write(tmp_path / "source" / "score.py", "")
    spec = write(
        tmp_path / "inferenceconfig.json",
        json.dumps(
            {
                "entryScript": "score.py",
                "sourceDirectory": "source",
                "environment": {
                    "python": {
                        "condaDependencies": {
                            "dependencies": ["python=3.11", "numpy=1.26", {"pip": ["azureml-defaults"]}]
                        }
                    }
                },
            }
        ),
    )
    deployment = read_spec(spec, "inferenceconfig.json")
    assert deployment.format == "inference configuration (v1)"
    assert deployment.script == tmp_path / "source" / "score.py"
    assert deployment.env_inline is not None
    target = target_of(Settings(), spec, tmp_path)
    assert target is not None and target.env is not None
    assert target.env.requirements == ("numpy==1.26.*", "azureml-defaults")
    assert target.env.brings_server


def test_a_missing_scoring_script_is_named_by_its_field(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    spec = write(tmp_path / "d.yml", "code_configuration: {code: src, scoring_script: score.py}\n")
    assert read_spec(spec, "d.yml").missing == (
        "code_configuration.scoring_script",
        "the scoring script score.py is not in src",
    )
    spec = write(tmp_path / "e.yml", "code_configuration: {code: nowhere, scoring_script: score.py}\n")
    assert read_spec(spec, "e.yml").missing == ("code_configuration.code", "the code folder nowhere does not exist")


@pytest.mark.parametrize(
    ("field", "yaml", "option"),
    [
        ("model", "model: azureml:my-model:3", "--score-model-dir"),
        ("environment", "environment: azureml:AzureML-sklearn-1.5@latest", "--score-env"),
        ("model.path", "model: {path: 'azureml://datastores/blob/paths/model.pkl'}", "--score-model-dir"),
    ],
)
def test_a_reference_that_cannot_be_resolved_offline_is_a_usage_error(
    tmp_path: Path, field: str, yaml: str, option: str
) -> None:
    write(tmp_path / "score.py", "")
    spec = write(tmp_path / "d.yml", f"code_configuration: {{code: ., scoring_script: score.py}}\n{yaml}\n")
    with pytest.raises(UsageError) as raised:
        target_of(Settings(), spec, tmp_path)
    assert f"{field} is " in str(raised.value) and option in str(raised.value)
    # The option that supplies it makes it fine.
    given = (
        Settings(model_dir=tmp_path, given=frozenset({"score_model_dir"}))
        if option == "--score-model-dir"
        else Settings(env_file=write(tmp_path / "requirements.txt", "six\n"))
    )
    assert target_of(given, spec, tmp_path) is not None


# -- the model's mount -----------------------------------------------------------


def test_a_model_file_is_mounted_directly_in_the_model_dir(tmp_path: Path) -> None:
    model = write(tmp_path / "model" / "clf.pkl", "weights")
    model_dir = mounted_model_dir(model, "clf", "2")
    assert model_dir.parts[-3:] == ("clf", "2") or model_dir.parts[-2:] == ("clf", "2")
    assert (model_dir / "clf.pkl").read_text() == "weights"
    assert sorted(p.name for p in model_dir.iterdir()) == ["clf.pkl"]


def test_a_model_folder_is_mounted_under_its_own_name(tmp_path: Path) -> None:
    write(tmp_path / "model" / "weights.json", "{}")
    model_dir = mounted_model_dir(tmp_path / "model")
    assert (model_dir / "model" / "weights.json").is_file()
    assert not (model_dir / "weights.json").exists()  # the laptop's layout is not the platform's


# -- environment files -------------------------------------------------------------


def test_conda_packages_become_pip_requirements_and_conda_only_ones_are_named(tmp_path: Path) -> None:
    env = write(
        tmp_path / "conda.yaml",
        "dependencies:\n  - python=3.9\n  - pip=21.2\n  - conda-forge::numpy=1.21.2=py39h_0\n  - pytorch\n"
        "  - scikit-learn>=1.0,<1.4\n  - cudatoolkit=11.3\n  - pip:\n    - azureml-inference-server-http\n"
        "    - --extra-index-url https://example.invalid/simple\n",
    )
    spec = read_env_file(env, "conda.yaml")
    assert spec.python == "==3.9.*"
    assert spec.requirements == ("numpy==1.21.2.*", "torch", "scikit-learn>=1.0,<1.4", "azureml-inference-server-http")
    assert spec.pip_options == ("--extra-index-url https://example.invalid/simple",)
    assert [name for name, _ in spec.left_out] == ["cudatoolkit=11.3"]
    assert spec.brings_server


def test_requirements_files_follow_their_includes(tmp_path: Path) -> None:
    write(tmp_path / "base.txt", "numpy\n# a comment\n")
    spec = read_env_file(write(tmp_path / "requirements.txt", "-r base.txt\njoblib==1.3  # pinned\n"), "r.txt")
    assert spec.requirements == ("numpy", "joblib==1.3")


def test_an_unreadable_environment_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"conda.yaml: not valid YAML at line \d"):
        read_env_file(write(tmp_path / "conda.yaml", "dependencies:\n  - [a\n"), "conda.yaml")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "requirements.txt",
            "# scoring\nazureml-inference-server-http\nnumpy ==\njoblib\n",
            "requirements.txt, line 3: 'numpy ==' is not a requirement pip can read (Expected semicolon",
        ),
        (
            "requirements.txt",
            "numpy=1.26\n",  # conda's syntax in pip's file
            "requirements.txt, line 1: 'numpy=1.26' is not a requirement pip can read",
        ),
        (
            "inference-config.json",
            '{"entryScript": "score.py"}',
            "inference-config.json: a .json file is not an environment file: give a conda environment YAML",
        ),
        (
            "conda.yaml",
            "name: model-env\nchannels:\n  - conda-forge\ndependencies:\n  python: 3.11\n  numpy: 1.26\n",
            "conda.yaml, line 5: dependencies must be a list (conda packages, and a pip: list); here it is a mapping",
        ),
        (
            "conda.yaml",
            "name: model-env\ndependencies:\n  - python=3.11\n  - numpy ==\n",
            "conda.yaml, line 4: the conda package 'numpy ==' is not a requirement pip can read",
        ),
        (
            "conda.yaml",
            "dependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - azureml-defaults\n    - joblib >= \n",
            "conda.yaml, line 6: 'joblib >=' is not a requirement pip can read",
        ),
        (
            "conda.yaml",
            "- numpy\n- pandas\n",
            "conda.yaml: not a conda environment: conda expects a mapping of name, channels and dependencies",
        ),
    ],
)
def test_a_malformed_environment_file_is_a_usage_error_naming_its_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        read_env_file(write(tmp_path / name, text), name)
    assert str(raised.value).startswith(message), raised.value


def test_what_pip_reads_but_packaging_does_not_is_left_to_pip(tmp_path: Path) -> None:
    # URLs, paths, archives, per-requirement options and continued lines are valid requirement lines.
    spec = read_env_file(
        write(
            tmp_path / "requirements.txt",
            "--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.3.1+cpu\n"
            "mypkg @ https://example.invalid/mypkg-1.0-py3-none-any.whl\n./vendor/helpers\n"
            "six==1.16.0 --hash=sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926\n"
            "scikit-learn>=1.3,\\\n  <1.6\n",
        ),
        "requirements.txt",
    )
    assert spec.requirements[-1] == "scikit-learn>=1.3,  <1.6"
    assert spec.names == ("torch", "mypkg", "six", "scikit-learn")


def test_mlflows_python_env_yaml_is_read_as_pip_lines(tmp_path: Path) -> None:
    # sdk/python/endpoints/online/mlflow/sklearn-diabetes/model/python_env.yaml in the official examples.
    write(tmp_path / "requirements.txt", "mlflow==2.3.1\ncloudpickle==2.2.1\nscikit-learn==1.2.2\n")
    env = write(
        tmp_path / "python_env.yaml",
        "python: 3.8.5\nbuild_dependencies:\n- pip==23.2.1\n- setuptools\n- wheel==0.38.4\ndependencies:\n"
        "- -r requirements.txt\n",
    )
    spec = read_env_file(env, "python_env.yaml")
    assert spec.python == "==3.8.5"
    assert spec.requirements == ("mlflow==2.3.1", "cloudpickle==2.2.1", "scikit-learn==1.2.2")


def test_a_malformed_environment_file_stops_the_gate_with_one_line(pytester: pytest.Pytester) -> None:
    write(pytester.path / "onlinescoring" / "score.py", "def init():\n    pass\ndef run(raw):\n    return raw\n")
    write(pytester.path / "environment" / "requirements.txt", "azureml-defaults\nnumpy ==\n")
    result = pytester.runpytest("--score", "onlinescoring/score.py", "--score-env", "environment/requirements.txt")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: environment/requirements.txt, line 2: 'numpy ==' is not a requirement pip can read (*)."]
    )
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_the_nearest_python_is_used_and_said_when_the_asked_one_is_missing() -> None:
    here = Interpreter(Path(sys.executable), __import__("packaging.version").version.Version("3.11.7"))
    other = Interpreter(Path("/x/python3.12"), __import__("packaging.version").version.Version("3.12.1"))
    chosen = choose("==3.8.*", "conda.yaml", [other, here])
    assert chosen.interpreter == here
    assert "asks for python 3.8" in chosen.note and "nearest" in chosen.note
    assert choose("==3.12.*", "conda.yaml", [other, here]) == type(chosen)(other)


def test_python_2_is_refused_not_matched_to_the_nearest_python_3(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = __import__("packaging.version").version.Version
    here = Interpreter(Path(sys.executable), version("3.11.7"))
    legacy = [Interpreter(Path("/x/python2.7"), version("2.7.18")), here]
    for asked in ("==2.7.*", "==2.7.18", "<=2.7"):
        refused = choose(asked, "conda.yaml", legacy)
        assert refused.refused.startswith(f"conda.yaml asks for python {asked.lstrip('=').removesuffix('.*')}: ")
        assert "needs 3.9 or later" in refused.refused and "cannot run a script on Python 2" in refused.refused
    # What admits a Python 3 is matched as before: the official batch environments ask for python=3.8.5.
    assert choose(">=2.7", "conda.yaml", legacy) == type(refused)(here)
    assert not choose("==3.8.5", "conda.yaml", legacy).refused
    write(pytester.path / "onlinescoring" / "score.py", "def init():\n    pass\ndef run(raw):\n    return raw\n")
    write(
        pytester.path / "environment" / "conda.yaml",
        "name: legacy\ndependencies:\n  - python=2.7\n  - pip:\n    - azureml-defaults\n",
    )
    monkeypatch.setenv("SCORE_CONTRACT_CACHE", str(pytester.path / "cache"))
    result = pytester.runpytest("--score", "onlinescoring/score.py", "--score-env", "environment/conda.yaml", "-rA")
    result.stdout.fnmatch_lines(
        [
            "environment/conda.yaml asks for python 2.7: the inference server needs Python 3"
            " (azureml-inference-server-http 1.5 needs 3.9 or later), and the gate cannot run a script on Python 2",
            "*FAILED onlinescoring/score.py::environment_builds*",
        ]
    )
    assert result.parseoutcomes().get("passed") is None
    assert not (pytester.path / "cache" / "envs").exists()  # nothing was built on another Python


def test_top_level_imports_skip_optional_ones_and_follow_local_modules(tmp_path: Path) -> None:
    write(tmp_path / "helpers.py", "import yaml\n")
    script = write(
        tmp_path / "score.py",
        "import os\nimport numpy as np\nimport helpers\nfrom sklearn.linear_model import Ridge\n"
        "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n"
        "def run(d):\n    import torch\n",
    )
    found = [(i.file.name, i.line, i.written) for i in top_level_imports(script, tmp_path)]
    assert found == [("score.py", 2, "numpy"), ("score.py", 4, "sklearn.linear_model"), ("helpers.py", 1, "yaml")]


# -- environments for real -----------------------------------------------------------


def gate(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", *args],
        cwd=cwd,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


def outcomes(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    found = {}
    for line in done.stdout.splitlines():
        for outcome in ("PASSED", "FAILED", "SKIPPED"):
            if line.startswith(outcome + " "):
                found[line.split()[1].split("::")[-1]] = outcome
    return found


def test_the_deployment_example_passes_in_the_environment_it_declares() -> None:
    done = gate("--score", "examples/deployment/deployment.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    seen = outcomes(done)
    assert set(seen.values()) == {"PASSED"}, done.stdout
    assert {"deployment_files_exist", "environment_builds", "imports_are_installed"} <= set(seen)
    assert "AZUREML_MODEL_DIR holds model/" in done.stdout
    assert "environment: examples/deployment/environment/conda.yaml (environment.conda_file of" in done.stdout


def test_a_package_the_conda_file_lacks_is_named_with_its_line() -> None:
    done = gate("--score", "examples/broken-deployment-missing-package/deployment.yml")
    seen = outcomes(done)
    assert seen["imports_are_installed"] == "FAILED" and seen["module_imports"] == "FAILED", done.stdout
    assert (
        "score.py:10 imports joblib; examples/broken-deployment-missing-package/environment/conda.yaml" in done.stdout
    )
    assert seen["environment_builds"] == seen["environment_has_the_server"] == "PASSED"


def test_an_unpinned_dependency_that_drifted_fails_and_the_pinned_one_passes() -> None:
    drifted = gate("--score", "examples/broken-deployment-numpy-drift/deployment.yml")
    assert outcomes(drifted)["init_succeeds"] == "FAILED", drifted.stdout
    assert "module 'numpy' has no attribute 'float'" in drifted.stdout
    pinned = gate(
        "--score",
        "examples/broken-deployment-numpy-drift/deployment.yml",
        "--score-env",
        "examples/broken-deployment-numpy-drift/environment/conda-pinned.yaml",
    )
    assert pinned.returncode == 0, pinned.stdout
    assert "--env examples/broken-deployment-numpy-drift/environment/conda-pinned.yaml" not in pinned.stdout


def test_the_laptop_layout_of_the_model_fails_as_the_platform_mounts_it() -> None:
    deployed = gate("--score", "examples/broken-deployment-model-layout/deployment.yml")
    assert outcomes(deployed)["init_succeeds"] == "FAILED", deployed.stdout
    assert "azureml-models/model/1/weights.json" in deployed.stdout
    assert "hint: the model folder holds it as $AZUREML_MODEL_DIR/model/weights.json" in deployed.stdout
    laptop = gate(
        "--score",
        "examples/broken-deployment-model-layout/src/score.py",
        "--score-model-dir",
        "examples/broken-deployment-model-layout/model",
    )
    assert laptop.returncode == 0, laptop.stdout


def test_score_contracts_own_packages_are_invisible_to_the_script(tmp_path: Path) -> None:
    script = tmp_path / "app" / "score.py"
    script.parent.mkdir()
    script.write_text((HERE / "sees_only_its_env" / "score.py").read_text())
    write(tmp_path / "app" / "requirements.txt", (HERE / "sees_only_its_env" / "requirements.txt").read_text())
    write(tmp_path / "model" / "m.txt", "m")
    write(
        tmp_path / "deployment.yml",
        "model: {path: model}\ncode_configuration: {code: app, scoring_script: score.py}\n"
        "environment: {conda_file: app/requirements.txt}\nenvironment_variables: {GREETING: hello}\n",
    )
    done = subprocess.run(
        [sys.executable, "-m", "score_contract_cli", "replay", "deployment.yml", "--body", "{}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # The answer is the paragraph after the status line (the request's "{}" comes before it).
    answer = json.loads(next(p for p in done.stdout.split("\n\n") if p.startswith('{"')).splitlines()[0])
    assert answer["importable"] == {
        "pytest": False,
        "hypothesis": False,
        "jsonschema": False,
        "score_contract": True,  # the worker's own modules, standard library only
        "six": True,
        "azureml_inference_server_http": True,
    }, done.stdout
    assert answer["prefix"] != sys.prefix and "score-contract" in answer["prefix"]
    assert answer["variable"] == "hello"
    assert answer["model_dir"].endswith("azureml-models/model/1")


def gate_copy(pytester: pytest.Pytester, name: str) -> pytest.RunResult:
    """tests/deployment/NAME copied as app/, gated in process in the environment of its requirements.txt."""
    shutil.copytree(HERE / name, pytester.path / "app")
    return pytester.runpytest("--score", "app/score.py", "--score-env", "app/requirements.txt", "-rA")


def test_a_package_of_ours_the_script_imports_is_missing_there(pytester: pytest.Pytester) -> None:
    result = gate_copy(pytester, "imports_our_packages")
    result.stdout.fnmatch_lines(
        [
            "*score.py:6 imports hypothesis; app/requirements.txt does not install hypothesis*",
            "*No module named 'hypothesis'*",
            "*environment: app/requirements.txt (--score-env)*",
        ]
    )


def test_an_environment_without_the_server_fails_its_check_and_skips_the_rest(pytester: pytest.Pytester) -> None:
    result = gate_copy(pytester, "no_server")
    outcomes = result.parseoutcomes()
    # It builds, and it installs what the script imports (six): only the server is missing.
    assert (outcomes.get("passed"), outcomes.get("failed"), outcomes.get("skipped")) == (2, 1, 15)
    result.stdout.fnmatch_lines(
        [
            "*app/requirements.txt does not install the inference server: the container would never start",
            "*SKIPPED*the environment holds no inference server; see app/score.py::environment_has_the_server",
        ]
    )


def test_an_environment_that_does_not_build_shows_the_installers_lines(pytester: pytest.Pytester) -> None:
    result = gate_copy(pytester, "does_not_build")
    result.stdout.fnmatch_lines(
        [
            "*app/requirements.txt does not install (*):*score-contract-no-such-package-anywhere*",
            "*FAILED app/score.py::environment_builds*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_a_second_build_comes_from_the_cache_and_a_rebuild_rebuilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installer: str
) -> None:
    monkeypatch.setenv("SCORE_CONTRACT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SCORE_CONTRACT_INSTALLER", installer)
    monkeypatch.delenv("UV_COMPILE_BYTECODE", raising=False)
    spec = read_env_file(write(tmp_path / "requirements.txt", "six\n"), "requirements.txt")
    chosen = choose("", "requirements.txt")
    first = build(spec, chosen)
    assert isinstance(first, Built) and not first.cached and first.installer == installer
    assert first.distributions.get("six") and "pytest" not in first.distributions
    # Compiled as it was installed, as pip compiles in an image: a cached import is not timed with compiling.
    tag = sys.implementation.cache_tag
    assert list(first.folder.glob(f"lib/python*/site-packages/__pycache__/six.{tag}.pyc")), installer
    second = build(spec, chosen)
    assert isinstance(second, Built) and second.cached and second.folder == first.folder
    if installer == "uv":  # the same code path whichever installer: a rebuild with pip costs a venv and ensurepip
        again = build(spec, chosen, rebuild=True)
        assert isinstance(again, Built) and not again.cached
    failed = build(replace(spec, requirements=("score-contract-no-such-package-anywhere==1.0",)), chosen)
    assert isinstance(failed, BuildFailure) and "score-contract-no-such-package-anywhere" in failed.output
    # pip, as the platform installs, decides; uv's own failure is said beside it.
    assert failed.installer == "pip"
    assert failed.also.startswith("uv failed too: ") if installer == "uv" else not failed.also


def test_the_official_server_runs_on_the_environments_python() -> None:
    done = gate("--score", "examples/deployment/deployment.yml", "--score-server")
    assert done.returncode == 0, done.stdout + done.stderr
    seen = outcomes(done)
    assert seen["server_becomes_ready"] == "PASSED" and set(seen.values()) == {"PASSED"}, done.stdout


@pytest.mark.skipif(
    not any(
        i.minor == "3.9"
        for i in __import__("score_contract.environments.interpreters").environments.interpreters.installed()
    ),
    reason="no Python 3.9 on this machine",
)
def test_the_worker_runs_on_the_older_python_an_environment_asks_for(pytester: pytest.Pytester) -> None:
    write(
        pytester.path / "app" / "score.py",
        "import json, sys\ndef init():\n    pass\ndef run(raw):\n"
        "    return {'python': list(sys.version_info[:2]), 'echo': json.loads(raw)}\n",
    )
    write(pytester.path / "app" / "samples" / "one.json", '{"a": 1}')
    write(
        pytester.path / "app" / "conda.yaml",
        "dependencies:\n  - python=3.9\n  - pip:\n    - azureml-inference-server-http\n",
    )
    result = pytester.runpytest("--score", "app/score.py", "--score-env", "app/conda.yaml")
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["*environment: app/conda.yaml (--score-env), Python 3.9*"])


def test_an_init_slower_than_the_liveness_probe_allows_fails_its_check(pytester: pytest.Pytester) -> None:
    write(
        pytester.path / "src" / "score.py",
        "import time\ndef init():\n    time.sleep(3)\ndef run(raw):\n    return raw\n",
    )
    write(pytester.path / "src" / "samples" / "one.json", '{"a": 1}')
    write(
        pytester.path / "deployment.yml",
        "code_configuration: {code: src, scoring_script: score.py}\n"
        "liveness_probe: {initial_delay: 1, period: 1, failure_threshold: 1}\n",
    )
    result = pytester.runpytest("--score", "deployment.yml", "-rA")
    result.stdout.fnmatch_lines(
        [
            "*init() did not finish within the 2 s the liveness probe allows"
            " (liveness_probe: initial_delay 1 + period 1 × failure_threshold 1)*",
            "*FAILED deployment.yml::init_finishes_within_the_probes*",
        ]
    )
    assert "PASSED deployment.yml::deployment_files_exist" in result.stdout.str()


def test_a_batch_deployment_needs_no_inference_server_in_its_environment() -> None:
    # Shaped as cli/endpoints/batch/deploy-models/*/deployment.yml: its conda file, like the official batch
    # environments', installs what the driver imports and no azureml-inference-server-http.
    done = gate("--score", "tests/deployment/batch_without_server/deployment.yml")
    seen = outcomes(done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "environment_has_the_server" not in seen, done.stdout
    assert set(seen.values()) == {"PASSED"}, done.stdout
    assert {"environment_builds", "imports_are_installed", "run_handles_every_mini_batch", "init_runs_once"} <= set(
        seen
    )


# -- which environment: only the one named ------------------------------------------


def test_a_requirements_file_beside_a_plain_script_is_not_its_environment(pytester: pytest.Pytester) -> None:
    # A developer's requirements.txt (pandas, pytest, black) beside score.py: Azure ML builds an environment
    # only from what the deployment names, so neither does the gate; a note says how to use the file.
    shutil.copytree(HERE / "dev_requirements_beside", pytester.path / "model-1")
    result = pytester.runpytest("--score", "model-1/onlinescoring/score.py", "-rA")
    assert result.ret == 0, result.stdout.str()
    text = result.stdout.str()
    assert "environment_builds" not in text and "environment_has_the_server" not in text
    hint = (
        "model-1/onlinescoring/requirements.txt is not used as the environment of score.py (Azure ML builds one"
        " only from what the deployment names): to run the script in it, give --score-env"
        ' model-1/onlinescoring/requirements.txt, or put env = "requirements.txt" in a score-contract.toml beside it'
    )
    assert f"score-contract: {hint}" in text  # the report header
    assert f"model-1/onlinescoring/score.py: {hint}" in text  # the summary
    # Named, it is the environment (and --score-env '' says there is none: no note then).
    quiet = pytester.runpytest("--score", "model-1/onlinescoring/score.py", "--score-env", "", "-rA")
    assert quiet.ret == 0 and "is not used as the environment" not in quiet.stdout.str()


def test_score_contract_toml_names_the_environment_of_a_plain_script(pytester: pytest.Pytester) -> None:
    shutil.copytree(HERE / "sees_only_its_env", pytester.path / "app")
    write(pytester.path / "app" / "score-contract.toml", 'env = "requirements.txt"\n')
    result = pytester.runpytest("--score", "app/score.py", "-rA", "-k", "environment or imports")
    result.stdout.fnmatch_lines(
        [
            "*environment: app/requirements.txt (env = requirements.txt in app/score-contract.toml), Python*",
            "PASSED app/score.py::environment_builds",
            "PASSED app/score.py::environment_has_the_server",
        ]
    )


def test_an_empty_score_env_runs_a_deployment_in_this_python() -> None:
    done = gate("--score", "examples/deployment/deployment.yml", "--score-env", "")
    assert done.returncode == 0, done.stdout + done.stderr
    seen = outcomes(done)
    assert "environment_builds" not in seen and seen["deployment_files_exist"] == "PASSED", done.stdout
    assert set(seen.values()) == {"PASSED"}, done.stdout
    assert (
        "--score-env '': the environment environment.conda_file of examples/deployment/deployment.yml names is not"
        " built; the script runs in this Python"
    ) in done.stdout


def test_imports_are_judged_on_the_servers_path_wherever_the_gate_is_started(tmp_path: Path) -> None:
    # churn_features lies at the repository's root, outside the code folder the platform uploads: from the
    # root, the working folder made it importable to the probe, and the verdict depended on where pytest ran.
    shutil.copytree(HERE / "repo_package", tmp_path / "repo")
    deployment = tmp_path / "repo" / "cli" / "endpoints" / "online" / "churn"
    from_root = gate("--score", "cli/endpoints/online/churn/deployment.yml", cwd=tmp_path / "repo")
    from_code = gate("--score", "../deployment.yml", cwd=deployment / "onlinescoring")
    for done in (from_root, from_code):
        seen = outcomes(done)
        assert seen["imports_are_installed"] == "FAILED", done.stdout
        assert seen["module_imports"] == "FAILED", done.stdout
        assert "score.py:3 imports churn_features; " in done.stdout, done.stdout


def test_the_header_and_summary_name_the_server_of_the_deployments_environment(tmp_path: Path) -> None:
    # The deployment pins azureml-inference-server-http 1.4.1; the gate's own is 1.5: the header's versions
    # line is the gate's, and a line of its own names the one the deployment runs.
    cache = {"SCORE_CONTRACT_CACHE": str(tmp_path / "cache")}
    spec = "tests/deployment/older_server/deployment.yml"
    cold = gate("--score", spec, "-k", "environment", env=cache)
    assert (
        f"score-contract: {spec} runs in tests/deployment/older_server/environment/conda.yaml, not built yet:"
        " the summary names the inference server it holds"
    ) in cold.stdout, cold.stdout
    assert re.search(r"Python 3\.11\.\d+, azureml-inference-server-http 1\.4\.1, ", cold.stdout), cold.stdout  # summary
    warm = gate("--score", spec, "-k", "environment", env=cache)
    assert (
        f"score-contract: {spec} runs in tests/deployment/older_server/environment/conda.yaml:"
        " azureml-inference-server-http 1.4.1, Python 3.11"
    ) in warm.stdout, warm.stdout
    assert outcomes(warm)["environment_has_the_server"] == "PASSED"


def test_env_empty_in_score_contract_toml_runs_a_deployment_in_this_python(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "examples" / "deployment", pytester.path / "deploy")
    write(pytester.path / "deploy" / "score-contract.toml", 'env = ""\n')
    result = pytester.runpytest("--score", "deploy/deployment.yml", "-rA")
    assert result.ret == 0, result.stdout.str()
    assert "environment_builds" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            'deploy/deployment.yml: env = "" in deploy/score-contract.toml: the environment environment.conda_file'
            " of deploy/deployment.yml names is not built; the script runs in this Python"
        ]
    )
