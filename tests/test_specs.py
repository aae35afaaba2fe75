"""Deployment specs read as the platform reads them: the current batch format, parallel and pipeline jobs, specs with
nothing to gate, values of the wrong type, misspelled fields, memory limits, sample requests, settings files.

The specs are written in the shape of azureml-examples' files (cli/endpoints/online/**, cli/endpoints/batch/**,
cli/jobs/parallel/**), with small local scripts and models.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from score_contract.config.settings import Settings
from score_contract.deployment.resources import quantity_mib
from score_contract.deployment.spec import read_spec
from score_contract.errors import UsageError
from score_contract.planning.targets import target_of
from tests.installed import uv

REPO = Path(__file__).parent.parent
SPECS = Path(__file__).parent / "specs"
SCRIPT = "def init():\n    pass\n\n\ndef run(mini_batch):\n    return [len(mini_batch)]\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- batch deployments: the current nested form and the older flat one -----------------------------------------

#: cli/endpoints/batch/deploy-models/heart-classifier-mlflow/deployment-custom/deployment.yml, with a local model.
NESTED_BATCH = """$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json
endpoint_name: heart-classifier-batch
name: classifier-xgboost-custom
description: A heart condition classifier based on XGBoost
type: model
model:
  name: heart-classifier
  path: model
environment:
  name: batch-mlflow-xgboost
  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest
  conda_file: environment/conda.yaml
code_configuration:
  code: code
  scoring_script: batch_driver.py
compute: azureml:batch-cluster
resources:
  instance_count: 2
settings:
  max_concurrency_per_instance: 2
  mini_batch_size: 2
  output_action: append_row
  output_file_name: predictions.csv
  retry_settings:
    max_retries: 3
    timeout: 300
  error_threshold: -1
  logging_level: info
  environment_variables:
    HEART_LABELS: "no,yes"
"""

FLAT_BATCH = """$schema: https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json
name: classifier-flat
endpoint_name: heart-classifier-batch
model:
  path: model
environment:
  conda_file: environment/conda.yaml
  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest
code_configuration:
  code: code
  scoring_script: batch_driver.py
compute: azureml:batch-cluster
resources:
  instance_count: 2
max_concurrency_per_instance: 2
mini_batch_size: 2
output_action: append_row
output_file_name: predictions.csv
retry_settings:
  max_retries: 3
  timeout: 300
error_threshold: -1
logging_level: info
environment_variables:
  HEART_LABELS: "no,yes"
"""


def batch_project(tmp_path: Path, spec: str) -> Path:
    write(tmp_path / "code" / "batch_driver.py", SCRIPT)
    write(tmp_path / "model" / "model.json", "{}")
    write(tmp_path / "environment" / "conda.yaml", "dependencies: [python=3.11, pip, {pip: [pandas]}]\n")
    return write(tmp_path / "deployment.yml", spec)


@pytest.mark.parametrize("spec", [NESTED_BATCH, FLAT_BATCH], ids=["nested-settings", "flat-older-form"])
def test_a_batch_deployment_is_read_with_every_setting(tmp_path: Path, spec: str) -> None:
    deployment = read_spec(batch_project(tmp_path, spec), "deployment.yml")
    assert (deployment.format, deployment.kind) == ("batch", "batch")
    assert deployment.script == (tmp_path / "code" / "batch_driver.py").resolve()
    assert deployment.mini_batch_size == 2
    assert deployment.request_timeout == 300  # retry_settings.timeout, per mini-batch
    assert (deployment.max_retries, deployment.error_threshold) == (3, -1)
    assert (deployment.output_action, deployment.output_file_name, deployment.logging_level) == (
        "append_row",
        "predictions.csv",
        "info",
    )
    assert deployment.environment_variables == {"HEART_LABELS": "no,yes"}
    target = target_of(Settings(), tmp_path / "deployment.yml", tmp_path)
    assert target is not None
    assert target.settings.timeout == 300 and target.settings.mini_batch_size == 2 and target.settings.kind == "batch"


def test_batch_defaults_are_the_platforms(tmp_path: Path) -> None:
    spec = batch_project(
        tmp_path,
        "$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json\n"
        "type: model\nmodel: {path: model}\ncode_configuration: {code: code, scoring_script: batch_driver.py}\n",
    )
    deployment = read_spec(spec, "deployment.yml")
    assert (deployment.mini_batch_size, deployment.request_timeout, deployment.max_retries) == (10, 30, 3)
    assert (deployment.error_threshold, deployment.output_action) == (-1, "append_row")


# -- parallel jobs and pipeline jobs ----------------------------------------------------------------------------

#: cli/jobs/parallel/2a_iris_batch_prediction/pipeline.yml
IRIS_PIPELINE = """$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
display_name: iris-batch-prediction-using-parallel
experiment_name: hello-world-parallel-job
settings:
  default_compute: azureml:cpu-cluster
jobs:
  batch_prediction:
    type: parallel
    compute: azureml:cpu-cluster
    inputs:
      input_data:
        type: mltable
        path: ./neural-iris-mltable
        mode: direct
      score_model:
        type: uri_folder
        path: ./iris-model
        mode: download
    outputs:
      job_output_file:
        type: uri_file
        mode: rw_mount
    input_data: ${{inputs.input_data}}
    mini_batch_size: "10kb"
    resources:
        instance_count: 2
    max_concurrency_per_instance: 2
    logging_level: "DEBUG"
    error_threshold: 5
    mini_batch_error_threshold: 5
    retry_settings:
      max_retries: 2
      timeout: 60
    environment_variables:
      "AZUREML_PARALLEL_EXAMPLE": "2a_yaml"
    task:
      type: run_function
      code: "./script"
      entry_script: iris_prediction.py
      environment:
        name: "prs-env"
        version: 1
        image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04
        conda_file: ./environment/environment_parallel.yml
      program_arguments: >-
        --model ${{inputs.score_model}}
        --allowed_failed_percent 30
        --task_overhead_timeout 1200
        --output ${{outputs.job_output_file}}
      append_row_to: ${{outputs.job_output_file}}
"""


def test_the_parallel_job_of_a_pipeline_is_read_with_its_program_arguments(tmp_path: Path) -> None:
    write(tmp_path / "script" / "iris_prediction.py", SCRIPT)
    write(tmp_path / "iris-model" / "model.pkl", "x")
    write(tmp_path / "environment" / "environment_parallel.yml", "dependencies: [python=3.11]\n")
    deployment = read_spec(write(tmp_path / "pipeline.yml", IRIS_PIPELINE), "pipeline.yml")
    assert (deployment.format, deployment.kind) == ("parallel job", "batch")
    assert deployment.script == (tmp_path / "script" / "iris_prediction.py").resolve()
    assert deployment.env_file == (tmp_path / "environment" / "environment_parallel.yml").resolve()
    # A data size is not a count of files.
    assert deployment.mini_batch_size is None
    assert (deployment.request_timeout, deployment.max_retries, deployment.error_threshold) == (60, 2, 5)
    assert deployment.logging_level == "debug" and deployment.output_action == "append_row"
    assert deployment.environment_variables == {"AZUREML_PARALLEL_EXAMPLE": "2a_yaml"}
    assert deployment.program_arguments == (
        "--model",
        str((tmp_path / "iris-model").resolve()),
        "--allowed_failed_percent",
        "30",
        "--task_overhead_timeout",
        "1200",
        "--output",
        "${{outputs.job_output_file}}",
    )


def test_a_pipeline_with_two_parallel_jobs_names_them(tmp_path: Path) -> None:
    write(tmp_path / "script" / "iris_prediction.py", SCRIPT)
    job = IRIS_PIPELINE.split("jobs:\n", 1)[1]
    two = IRIS_PIPELINE + job.replace("  batch_prediction:", "  second_prediction:", 1)
    with pytest.raises(UsageError, match=r"holds 2 parallel jobs \(batch_prediction, second_prediction\)"):
        read_spec(write(tmp_path / "pipeline.yml", two), "pipeline.yml")


# -- targets with nothing to gate: skipped, not failed ---------------------------------------------------------

#: cli/endpoints/batch/deploy-pipelines/hello-batch/deployment.yml
PIPELINE_COMPONENT = """$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponentBatchDeployment.schema.json
name: hello-batch-dpl
endpoint_name: hello-pipeline-batch
type: pipeline
component: azureml:hello_batch@latest
settings:
    default_compute: batch-cluster
"""

#: A no-code MLflow online deployment (cli/endpoints/online/mlflow/sklearn-deployment.yml's shape).
MLFLOW_NO_CODE = """$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: sklearn-deployment
endpoint_name: my-endpoint
model:
  name: sklearn-diabetes-mlflow
  version: 1
  path: sklearn-diabetes/model
  type: mlflow_model
instance_type: Standard_F4s_v2
instance_count: 1
"""


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (PIPELINE_COMPONENT, "a pipeline component batch deployment"),
        (MLFLOW_NO_CODE, "a no-code deployment of an MLflow model"),
    ],
    ids=["pipeline-component", "mlflow-no-code"],
)
def test_a_deployment_without_a_scoring_script_is_skipped_not_failed(
    pytester: pytest.Pytester, spec: str, reason: str
) -> None:
    write(pytester.path / "sklearn-diabetes" / "model" / "MLmodel", "flavors: {}\n")
    write(pytester.path / "deployment.yml", spec)
    result = pytester.runpytest("--score", "deployment.yml", "-rs")
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines([f"SKIPPED *deployment.yml*{reason}*"])
    assert "FAILED" not in result.stdout.str()


# -- values of the wrong type or out of range: one line naming the file and the field ---------------------------


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        ("environment_variables: [A=1, B=2]", "environment_variables is a list, but it must be a mapping"),
        ("liveness_probe: 30", "liveness_probe is 30, but it must be a mapping"),
        ("liveness_probe: {initial_delay: ten}", "liveness_probe.initial_delay is 'ten', but it must be a number"),
        ("request_settings: 5000", "request_settings is 5000, but it must be a mapping"),
        ("request_settings: {request_timeout_ms: abc}", "request_settings.request_timeout_ms is 'abc', but it must"),
        ("request_settings: {request_timeout_ms: -100}", "request_timeout_ms is -100, but it must be a number above 0"),
        ("request_settings: {request_timeout_ms: 0}", "request_timeout_ms is 0, but it must be a number above 0"),
        (
            "request_settings: {max_concurrent_requests_per_instance: 0}",
            "max_concurrent_requests_per_instance is 0, but it must be a whole number of at least 1",
        ),
    ],
)
def test_a_wrong_value_in_an_online_spec_is_a_usage_error(tmp_path: Path, yaml: str, expected: str) -> None:
    write(tmp_path / "score.py", "def init(): pass\ndef run(d): return d\n")
    spec = write(tmp_path / "d.yml", f"code_configuration: {{code: ., scoring_script: score.py}}\n{yaml}\n")
    with pytest.raises(UsageError) as raised:
        read_spec(spec, "d.yml")
    message = str(raised.value)
    assert message.startswith("d.yml: ") and expected in message and "\n" not in message


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ("mini_batch_size: two", "settings.mini_batch_size is 'two', but it must be a whole number of at least 1"),
        ("mini_batch_size: 0", "settings.mini_batch_size is 0, but it must be a whole number of at least 1"),
        ("error_threshold: -2", "settings.error_threshold is -2, but it must be a whole number of at least -1"),
        ("output_action: append_rows", "settings.output_action is 'append_rows', but it must be one of append_row"),
        ("retry_settings: {timeout: 0}", "settings.retry_settings.timeout is 0, but it must be a number above 0"),
    ],
)
def test_a_wrong_value_in_a_batch_spec_is_a_usage_error(tmp_path: Path, settings: str, expected: str) -> None:
    spec = batch_project(
        tmp_path,
        "$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json\ntype: model\n"
        f"model: {{path: model}}\ncode_configuration: {{code: code, scoring_script: batch_driver.py}}\n"
        f"settings:\n  {settings}\n",
    )
    with pytest.raises(UsageError) as raised:
        read_spec(spec, "deployment.yml")
    assert expected in str(raised.value)


def test_a_wrong_value_stops_the_session_with_one_line(pytester: pytest.Pytester) -> None:
    write(pytester.path / "score.py", "def init(): pass\ndef run(d): return d\n")
    write(pytester.path / "d.yml", "code_configuration: {code: ., scoring_script: score.py}\nrequest_settings: 5000\n")
    result = pytester.runpytest("--score", "d.yml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*d.yml: request_settings is 5000, but it must be a mapping*"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


# -- misspelled fields ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "closest"),
    [
        ("enviroment: {conda_file: conda.yml}", "environment"),
        ("request_setting: {request_timeout_ms: 3000}", "request_settings"),
        ("livenessprobe: {initial_delay: 10}", "liveness_probe"),
        ("request_settings: {request_timeout: 3000}", "request_settings.request_timeout_ms"),
    ],
)
def test_a_misspelled_field_is_refused_with_the_closest_known_one(tmp_path: Path, written: str, closest: str) -> None:
    write(tmp_path / "score.py", "def init(): pass\ndef run(d): return d\n")
    spec = write(
        tmp_path / "d.yml",
        "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n"
        f"code_configuration: {{code: ., scoring_script: score.py}}\n{written}\n",
    )
    with pytest.raises(UsageError, match=f"did you mean {closest}\\?"):
        read_spec(spec, "d.yml")


def test_the_official_examples_fields_are_all_known() -> None:
    """No false alarm on the real files: every deployment and parallel job spec in tests/specs and examples/ reads."""
    specs = [*SPECS.rglob("*deployment*.yml"), *(REPO / "examples").rglob("deployment*.yml")]
    assert len(specs) >= 5
    for spec in specs:
        read_spec(spec, spec.name)


@pytest.mark.skipif(uv() is None, reason="uv builds the throwaway venv azure-ai-ml is installed in")
def test_azure_ai_ml_judges_the_spec_when_it_is_installed(tmp_path: Path) -> None:
    """With the optional azure-ai-ml, its own loader refuses what az ml refuses (it is not installed beside the
    inference server, whose opentelemetry pins it would move: a venv of its own, with our sources on its path)."""
    env = tmp_path / "aml"
    found = uv()
    assert found is not None
    for command in (
        [found, "venv", "-q", "--python", sys.executable, str(env)],
        [found, "pip", "install", "-q", "--python", str(env / "bin" / "python"), "azure-ai-ml", "pyyaml", "packaging"],
    ):
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.skip(f"azure-ai-ml could not be installed here: {done.stderr[-300:]}")
    write(tmp_path / "code" / "score.py", "def init(): pass\ndef run(d): return d\n")
    write(tmp_path / "model" / "m.pkl", "x")
    spec = write(
        tmp_path / "online.yml",
        "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n"
        "name: blue\nendpoint_name: e\nmodel: {path: model}\n"
        "code_configuration: {code: code, scoring_script: score.py}\n"
        "livenessprobe: {initial_delay: 10}\ninstance_type: Standard_DS3_v2\ninstance_count: 1\n",
    )
    code = (
        "from pathlib import Path\nfrom score_contract.deployment.spec import read_spec\n"
        "from score_contract.errors import UsageError\n"
        f"try:\n    read_spec(Path({str(spec)!r}), 'online.yml')\nexcept UsageError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [str(env / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert (
        "online.yml: azure-ai-ml refuses livenessprobe: unknown field; did you mean liveness_probe?" in done.stdout
    ), done.stdout + done.stderr[-2000:]


# -- memory limits --------------------------------------------------------------------------------------------


def test_kubernetes_quantities_are_read_in_mib() -> None:
    assert quantity_mib("64Mi") == 64
    assert quantity_mib("1Gi") == 1024
    assert quantity_mib("0.5Gi") == 512
    assert quantity_mib("128M") == pytest.approx(122.07, abs=0.01)
    assert quantity_mib("134217728") == 128
    assert quantity_mib("lots") is None


def test_the_memory_limit_of_a_spec_becomes_the_budget_unless_one_is_given() -> None:
    k8s = target_of(Settings(), SPECS / "kubernetes" / "kubernetes-blue-deployment.yml", SPECS)
    assert k8s is not None and k8s.settings.max_memory_mb == 64
    managed = target_of(Settings(), SPECS / "kubernetes" / "managed-deployment.yml", SPECS)
    assert managed is not None and managed.settings.max_memory_mb == 14 * 1024
    given = Settings(max_memory_mb=500, given=frozenset({"score_max_memory"}))
    explicit = target_of(given, SPECS / "kubernetes" / "kubernetes-blue-deployment.yml", SPECS)
    assert explicit is not None and explicit.settings.max_memory_mb == 500


def test_a_worker_over_the_pods_memory_limit_fails_and_the_same_script_fits_a_bigger_one(
    pytester: pytest.Pytester,
) -> None:
    shutil.copytree(SPECS / "kubernetes", pytester.path / "kubernetes")
    result = pytester.runpytest(
        "--score",
        "kubernetes/kubernetes-blue-deployment.yml",
        "--score",
        "kubernetes/kubernetes-green-deployment.yml",
        "-k",
        "memory or accepts",
        "-rA",
    )
    text = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*workers_fit_in_the_memory_budget (kubernetes/kubernetes-blue-deployment.yml)*",
            "peak memory * MB, over the 64 MB budget (resources.limits.memory: 64Mi in"
            " kubernetes/kubernetes-blue-deployment.yml)",
        ]
    )
    assert "FAILED kubernetes/kubernetes-blue-deployment.yml::workers_fit_in_the_memory_budget" in text
    assert "PASSED kubernetes/kubernetes-green-deployment.yml::workers_fit_in_the_memory_budget" in text
    # Its sample request (beside the model, as azureml-examples keeps it) was sent.
    assert "PASSED kubernetes/kubernetes-blue-deployment.yml::run_accepts_valid_input" in text
    # Warnings point at the script's run(), not at a line of the YAML file.
    assert "kubernetes/model-1/onlinescoring/score.py:16: ScoreContractWarning" in text
    assert "kubernetes-blue-deployment.yml:16: ScoreContractWarning" not in text


def test_the_sample_request_beside_the_model_is_a_sample() -> None:
    from score_contract.planning.script import plan

    script = plan(Settings(), SPECS / "kubernetes" / "managed-deployment.yml", SPECS)
    assert [body.data for body in script.bodies] == [b'{"data": [[1, 2, 3], [3, 2, 1]]}']
    assert script.samples_origin == "kubernetes/model-1/sample-request.json"


# -- v1 environment variables, settings files -------------------------------------------------------------------


def test_v1_environment_variables_are_set_for_init_and_run(tmp_path: Path) -> None:
    write(tmp_path / "score.py", "def init(): pass\ndef run(d): return d\n")
    spec = write(
        tmp_path / "inferenceconfig.json",
        '{"entryScript": "score.py", "sourceDirectory": ".", "environment": {"name": "env", "python":'
        ' {"condaDependencies": {"dependencies": ["python=3.11", {"pip": ["six"]}]}},'
        ' "environmentVariables": {"MODEL_NAME": "churn", "THRESHOLD": 0.5}}}',
    )
    target = target_of(Settings(), spec, tmp_path)
    assert target is not None
    assert dict(target.environment_variables) == {"MODEL_NAME": "churn", "THRESHOLD": "0.5"}
    assert target.notes[0] == "an inference configuration (v1) of score.py"


def test_the_settings_file_beside_the_script_of_a_spec_is_read(tmp_path: Path) -> None:
    from score_contract.session import ContractSession

    write(tmp_path / "src" / "score.py", "def init(): pass\ndef run(d): return d\n")
    write(tmp_path / "src" / "score-contract.toml", "timeout = 7\nexamples = 12\n")
    spec = write(tmp_path / "deploy" / "blue.yml", "code_configuration: {code: ../src, scoring_script: score.py}\n")
    session = ContractSession(Settings(scripts=(spec,)), tmp_path)
    own = session.own[spec]
    assert own.timeout == 7 and own.examples == 12
    # The spec's own folder wins where both set a key.
    write(tmp_path / "deploy" / "score-contract.toml", "timeout = 9\n")
    own = ContractSession(Settings(scripts=(spec,)), tmp_path).own[spec]
    assert own.timeout == 9 and own.examples == 12


def test_the_registered_folder_given_as_the_model_dir_is_named_with_its_parent(pytester: pytest.Pytester) -> None:
    """azureml-examples' model-1 score.py joins "model/sklearn_regression_model.pkl": given model-1/model itself as
    the model folder, the hint says to give its parent (or the spec), not to join a sub-folder."""
    shutil.copytree(SPECS / "kubernetes", pytester.path / "kubernetes")
    result = pytester.runpytest(
        "--score",
        "kubernetes/model-1/onlinescoring/score.py",
        "--score-model-dir",
        "kubernetes/model-1/model",
        "-k",
        "init_succeeds",
    )
    parent = (pytester.path / "kubernetes" / "model-1").resolve()
    result.stdout.fnmatch_lines(
        [
            "*hint: the script joins model/weights.json, as the platform lays out a model registered as the folder"
            " model/ (mounted under its own name). The folder given as AZUREML_MODEL_DIR is model/ itself: give its"
            f" parent with --score-model-dir {parent}, or gate the deployment spec*"
        ]
    )


def test_a_file_written_beside_the_model_never_lands_in_the_users_model_folder(tmp_path: Path) -> None:
    write(
        tmp_path / "src" / "score.py",
        "import os\n\n\ndef init():\n    folder = os.path.join(os.environ['AZUREML_MODEL_DIR'], 'model')\n"
        "    with open(os.path.join(folder, 'cache.txt'), 'w') as f:\n        f.write('unpacked')\n"
        "    os.makedirs(os.path.join(folder, 'extracted'), exist_ok=True)\n\n\ndef run(raw):\n    return raw\n",
    )
    write(tmp_path / "model" / "weights.json", "[1]")
    write(tmp_path / "model" / "tokenizer" / "vocab.txt", "a\nb\n")
    spec = write(
        tmp_path / "blue.yml", "model: {path: model}\ncode_configuration: {code: src, scoring_script: score.py}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "score_contract_cli", "replay", str(spec)], cwd=tmp_path, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.relative_to(tmp_path / "model").as_posix() for p in (tmp_path / "model").rglob("*")) == [
        "tokenizer",
        "tokenizer/vocab.txt",
        "weights.json",
    ]


def test_a_write_into_the_model_folder_is_a_warning_naming_the_file(pytester: pytest.Pytester) -> None:
    write(
        pytester.path / "app" / "score.py",
        "import os\n\n\ndef init():\n    global cache\n"
        "    cache = os.path.join(os.environ['AZUREML_MODEL_DIR'], 'unpacked.bin')\n"
        "    with open(cache, 'w') as f:\n        f.write('x')\n\n\ndef run(raw):\n    return {'ok': True}\n",
    )
    write(pytester.path / "app" / "samples" / "one.json", '{"data": [1]}')
    write(pytester.path / "model" / "weights.json", "[1]")
    result = pytester.runpytest("--score", "app/score.py", "--score-model-dir", "model", "--score-examples", "5")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*init() or run() wrote into the model folder: unpacked.bin. Each instance*"])
    # A correct script that only reads its model gets no such warning.
    write(pytester.path / "reader" / "score.py", "def init():\n    pass\n\n\ndef run(raw):\n    return {'ok': True}\n")
    quiet = pytester.runpytest("--score", "reader/score.py", "--score-model-dir", "model", "--score-examples", "5")
    assert "wrote into the model folder" not in quiet.stdout.str()
