"""The options of a contract run: one table shared by the pytest plugin, the ini
keys and the CLI, so that help texts and defaults cannot drift apart
(:mod:`score_contract.config.settings` validates what they are given).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["paths", "path", "seconds", "count", "number", "text", "flag"]
FrontEnd = Literal["pytest", "cli"]
#: The hidden pytest option by which `score-contract check` says it is the front end.
FRONT_END_FLAG = "--score-front-end"

#: Managed online endpoints answer 408 after 5 s unless request_timeout_ms says otherwise.
DEFAULT_TIMEOUT = 5.0
DEFAULT_INIT_TIMEOUT = 120.0
DEFAULT_EXAMPLES = 100
#: Production requests replayed at most per script (--score-traffic-limit): a capture of a busy endpoint holds
#: millions, and each costs a call of both versions.
DEFAULT_TRAFFIC_LIMIT = 1000
#: How --score-baseline names a git revision.
GIT_PREFIX = "git:"
#: Sample bodies found beside a script when --score-samples is not given.
SAMPLES_FOLDER = "samples"
#: Contract files found beside a script when --score-schema / --score-output-schema are not given.
REQUEST_SCHEMA_FILE = "request.schema.json"
RESPONSE_SCHEMA_FILE = "response.schema.json"
#: What --score takes besides a .py file: a deployment spec (a CLI v2 YAML, a v1 inference configuration JSON).
SPEC_SUFFIXES = (".yml", ".yaml", ".json")


def spelled(text: str, front_end: FrontEnd) -> str:
    """Texts name our flags as pytest spells them (--score-timeout); the score-contract command
    takes them without the prefix (--timeout), and its hints must name what it takes."""
    return text.replace("--score-", "--") if front_end == "cli" else text


@dataclass(frozen=True)
class Option:
    """One setting: its command-line flag, its ini key and the help both show."""

    dest: str
    flag: str
    ini: str
    kind: Kind
    metavar: str
    help: str


SCORE = Option(
    "score",
    "--score",
    "score_paths",
    "paths",
    "PATH",
    "check the contract of this scoring script, or of the script a deployment spec (deployment YAML,"
    " v1 inference configuration JSON) names, in the environment it declares (repeatable)",
)
MODEL_DIR = Option(
    "score_model_dir",
    "--score-model-dir",
    "score_model_dir",
    "path",
    "DIR",
    "folder the script sees as AZUREML_MODEL_DIR (the server's --model_dir)",
)
SAMPLES = Option(
    "score_samples",
    "--score-samples",
    "score_samples",
    "path",
    "PATH",
    "samples: a .json file (one body), a .jsonl file (one a line), a .http request file, any other file"
    f" (sent byte for byte) or a folder of them; default: a {SAMPLES_FOLDER}/ folder beside each script",
)
APP_ROOT = Option(
    "score_app_root",
    "--score-app-root",
    "score_app_root",
    "path",
    "DIR",
    "the server's AML_APP_ROOT and working folder; default: each script's own folder",
)
TIMEOUT = Option(
    "score_timeout",
    "--score-timeout",
    "score_timeout",
    "seconds",
    "SECONDS",
    f"longest run() may take for one request (default {DEFAULT_TIMEOUT:g}, a managed endpoint's default)",
)
INIT_TIMEOUT = Option(
    "score_init_timeout",
    "--score-init-timeout",
    "score_init_timeout",
    "seconds",
    "SECONDS",
    f"longest importing the script plus init() may take (default {DEFAULT_INIT_TIMEOUT:g})",
)

SCHEMA = Option(
    "score_schema",
    "--score-schema",
    "score_schema",
    "path",
    "FILE",
    "JSON Schema of a valid request body (drafts 4 to 2020-12), bodies are generated from it;"
    f" default: {REQUEST_SCHEMA_FILE} beside each script",
)
OUTPUT_SCHEMA = Option(
    "score_output_schema",
    "--score-output-schema",
    "score_output_schema",
    "path",
    "FILE",
    f"JSON Schema every response body to a valid request must satisfy; default: {RESPONSE_SCHEMA_FILE} beside each script",
)
EXAMPLES = Option(
    "score_examples",
    "--score-examples",
    "score_examples",
    "count",
    "N",
    f"how many valid bodies Hypothesis generates per script (default {DEFAULT_EXAMPLES}; 0: none)",
)
VOLATILE_KEYS = Option(
    "score_volatile_keys",
    "--score-volatile-keys",
    "score_volatile_keys",
    "text",
    "PATHS",
    "response paths allowed to differ when a body is sent again, as failures print them, e.g."
    " '$.meta.seed,items[0].rank' (times, durations and ids are recognised without it)",
)

SERVER = Option(
    "score_server",
    "--score-server",
    "score_server",
    "flag",
    "",
    "also boot the official server (azmlinfsrv, on 127.0.0.1) for each script and check it over real HTTP",
)
SERVER_WORKERS = Option(
    "score_server_workers",
    "--score-server-workers",
    "score_server_workers",
    "count",
    "N",
    "worker processes of the official server (its --worker_count; default 1)",
)

KIND = Option(
    "score_kind",
    "--score-kind",
    "score_kind",
    "text",
    "KIND",
    "online, batch, or auto (default): a run(mini_batch) is a batch scoring script, called as the batch runtime calls it",
)
BATCH_INPUT = Option(
    "score_batch_input",
    "--score-batch-input",
    "score_batch_input",
    "text",
    "INPUT",
    "what a batch script's run() is given: files (a list of file paths, default) or tabular (a pandas DataFrame)",
)
MINI_BATCH_SIZE = Option(
    "score_mini_batch_size",
    "--score-mini-batch-size",
    "score_mini_batch_size",
    "count",
    "N",
    "files in a batch script's mini-batch (a batch deployment's mini_batch_size; default 10)",
)
BATCH_ARGS = Option(
    "score_batch_args",
    "--score-batch-args",
    "score_batch_args",
    "text",
    "ARGS",
    "the arguments a batch job passes to its script, as one shell-quoted string (a parallel job's"
    " program_arguments, ParallelRunStep's arguments): placed in sys.argv after the driver's own; default: the"
    " deployment spec's program_arguments",
)

ENV = Option(
    "score_env",
    "--score-env",
    "score_env",
    "path",
    "FILE",
    "conda environment YAML or pip requirements file: the script runs in a virtual environment built from it"
    " (cached); default: the one a deployment spec names, else none (a file beside the script is not used);"
    " '' for none",
)
ENV_REBUILD = Option(
    "score_env_rebuild",
    "--score-env-rebuild",
    "score_env_rebuild",
    "flag",
    "",
    "build the environment again even when the cache holds it",
)
REPORT = Option(
    "score_report",
    "--score-report",
    "score_report",
    "path",
    "FILE.json",
    "write a JSON report: per script every check's outcome, headline, smallest body and replay command,"
    " timings, latency percentiles, memory, the seed and the versions (its JSON Schema ships with the package)",
)
SUMMARY = Option(
    "score_summary",
    "--score-summary",
    "score_summary",
    "path",
    "FILE.md",
    "write a Markdown summary for a pull request (also appended to $GITHUB_STEP_SUMMARY when that is set)",
)

LATENCY_P99 = Option(
    "score_latency_p99",
    "--score-latency-p99",
    "score_latency_p99",
    "number",
    "MS",
    "fail when the 99th percentile of run()'s own time on valid bodies, measured in the worker, exceeds this many"
    " milliseconds",
)
MAX_MEMORY = Option(
    "score_max_memory",
    "--score-max-memory",
    "score_max_memory",
    "number",
    "MB",
    "fail when the worker's peak memory (RSS) times the server's workers (--score-server-workers, or the"
    " deployment's WORKER_COUNT) exceeds this many megabytes",
)
COV = Option(
    "score_cov",
    "--score-cov",
    "score_cov",
    "flag",
    "",
    "measure with coverage.py which lines and branches of each script and its local modules the run reached"
    " (also on with --score-cov-fail-under, --score-cov-report, or pytest-cov's --cov)",
)
COV_FAIL_UNDER = Option(
    "score_cov_fail_under",
    "--score-cov-fail-under",
    "score_cov_fail_under",
    "number",
    "PERCENT",
    "fail a script's bodies_cover_the_script check when the run reached less than PERCENT of its lines and branches",
)
COV_REPORT = Option(
    "score_cov_report",
    "--score-cov-report",
    "score_cov_report",
    "text",
    "TYPE",
    "coverage.py's own reports of the scripts: a comma list of term, html, xml, json, each with an optional :PATH"
    " (default htmlcov-score/, coverage-score.xml, coverage-score.json), or data (coverage.py's data file, default"
    " .coverage-score, which `coverage combine` joins with other shards')",
)

BASELINE = Option(
    "score_baseline",
    "--score-baseline",
    "score_baseline",
    "text",
    "TARGET",
    "the version being replaced: a scoring script, a deployment spec, or git:REF (this script and its code folder"
    " at a git revision, e.g. git:origin/main); both get the same bodies, and answers_match_the_baseline and"
    " contract_is_backward_compatible compare them",
)
BASELINE_MODEL_DIR = Option(
    "score_baseline_model_dir",
    "--score-baseline-model-dir",
    "score_baseline_model_dir",
    "path",
    "DIR",
    "the baseline's AZUREML_MODEL_DIR when it differs (default: the model its deployment spec names, else the"
    " new version's)",
)
TRAFFIC = Option(
    "score_traffic",
    "--score-traffic",
    "score_traffic",
    "path",
    "PATH",
    "production traffic: a folder or file of Azure ML data collector records (JSON Lines, as downloaded from blob"
    " storage) or of plain request bodies (.jsonl); each request is replayed, and answers_match_production compares"
    " the answer with the response production gave",
)
TRAFFIC_LIMIT = Option(
    "score_traffic_limit",
    "--score-traffic-limit",
    "score_traffic_limit",
    "count",
    "N",
    f"production requests replayed at most, chosen deterministically (default {DEFAULT_TRAFFIC_LIMIT}; 0: all)",
)
TOLERANCE = Option(
    "score_tolerance",
    "--score-tolerance",
    "score_tolerance",
    "text",
    "TOL",
    "how far numbers of two answers may differ: 'rel=X abs=Y', with per-path overrides in the notation of"
    " --score-volatile-keys, e.g. 'rel=1e-6, $.probabilities abs=1e-4' (default rel=1e-9 abs=1e-12)",
)
ACCEPT_CHANGES = Option(
    "score_accept_changes",
    "--score-accept-changes",
    "score_accept_changes",
    "text",
    "PATHS",
    "answer paths whose values may change on purpose in the new version, e.g. '$.model_version,$.scores':"
    " shown in the report, not held against it",
)

OPTIONS: tuple[Option, ...] = (
    SCORE,
    MODEL_DIR,
    SAMPLES,
    SCHEMA,
    OUTPUT_SCHEMA,
    APP_ROOT,
    TIMEOUT,
    INIT_TIMEOUT,
    EXAMPLES,
    VOLATILE_KEYS,
    SERVER,
    SERVER_WORKERS,
    KIND,
    BATCH_INPUT,
    MINI_BATCH_SIZE,
    BATCH_ARGS,
    ENV,
    ENV_REBUILD,
    LATENCY_P99,
    MAX_MEMORY,
    REPORT,
    SUMMARY,
    COV,
    COV_FAIL_UNDER,
    COV_REPORT,
    BASELINE,
    BASELINE_MODEL_DIR,
    TRAFFIC,
    TRAFFIC_LIMIT,
    TOLERANCE,
    ACCEPT_CHANGES,
)

#: The options of a comparison run (--score-baseline, --score-traffic and how answers are compared), by which the
#: shells pass them on to the settings' resolve() under its argument names (the ini keys without "score_").
COMPARISON: tuple[Option, ...] = (BASELINE, BASELINE_MODEL_DIR, TRAFFIC, TRAFFIC_LIMIT, TOLERANCE, ACCEPT_CHANGES)
