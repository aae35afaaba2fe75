"""Budgets measured in the same run: run()'s latency (--score-latency-p99), the workers' memory
(--score-max-memory), the warnings short of them (p99 over half the timeout, memory that keeps
growing), and the progress lines of long phases."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from score_contract.core.observations import Body, Call, InitResult
from score_contract.core.ticker import Ticker
from score_contract.judging import budgets
from score_contract.reporting.records import schema

REPO = Path(__file__).resolve().parent.parent
BUDGETS = REPO / "tests" / "budgets"


def _call(ms: float, data: str = "{}", **fields: object) -> Call:
    return Call(Body(data.encode()), elapsed=ms / 1000, phase="generated", **fields)  # type: ignore[arg-type]


def _copy(pytester: pytest.Pytester, name: str) -> str:
    shutil.copytree(BUDGETS / name, pytester.path / name)
    return f"{name}/score.py"


# -- the checks, on figures ------------------------------------------------------


def test_latency_passes_at_the_budget_and_fails_over_it_with_the_smallest_body_over() -> None:
    calls = tuple(_call(ms, "x" * (200 - int(ms))) for ms in [*[5.0] * 98, 80.0, 120.0])
    assert budgets.run_meets_the_latency_budget(budgets.Latency(calls, 120, "--score-latency-p99 120")) is None
    found = budgets.run_meets_the_latency_budget(budgets.Latency(calls, 50, "--score-latency-p99 50"))
    assert found is not None
    # Nearest rank: the 99th of 100 calls is the 80 ms one, not an interpolation.
    assert found.headline == "run()'s p99 latency is 80 ms, over the 50 ms budget (--score-latency-p99 50)"
    assert "2 calls took longer than the budget" in found.details
    assert found.body is not None and found.body.data == b"x" * 80  # the smaller of the two over 50 ms
    assert found.label == "smallest body over the budget"


def test_memory_budget_counts_every_worker_and_names_the_smallest_body_over_a_share() -> None:
    init = InitResult(rss_mb=40, peak_rss_mb=42)
    calls = (
        _call(1, '{"rows": 1}', peak_rss_mb=45, own_peak=True),
        _call(1, '{"rows": 100}', peak_rss_mb=90, own_peak=True),
        _call(1, '{"rows": 9}', peak_rss_mb=60, own_peak=True),
    )
    fits = budgets.Memory(init, calls, 400, "--score-max-memory 400", 4, "WORKER_COUNT in d.yml")
    assert budgets.workers_fit_in_the_memory_budget(fits) is None
    over = budgets.Memory(init, calls, 200, "--score-max-memory 200", 4, "WORKER_COUNT in d.yml")
    found = budgets.workers_fit_in_the_memory_budget(over)
    assert found is not None
    assert found.headline == "peak memory 90 MB × 4 workers = 360 MB, over the 200 MB budget (--score-max-memory 200)"
    assert found.body is not None and found.body.data == b'{"rows": 9}'  # 60 MB > a share of 50 MB
    assert "workers: 4 (WORKER_COUNT in d.yml)" in found.details


def test_without_a_peak_of_each_call_the_body_that_first_crossed_is_named() -> None:
    init = InitResult(rss_mb=40, peak_rss_mb=42)
    # The mark only rises: every call after the crossing shows it.
    calls = (_call(1, "aaaa", peak_rss_mb=45), _call(1, "bbbbbbbb", peak_rss_mb=70), _call(1, "c", peak_rss_mb=70))
    found = budgets.workers_fit_in_the_memory_budget(budgets.Memory(init, calls, 60, "x", 1, "default"))
    assert found is not None and found.body is not None and found.body.data == b"bbbbbbbb"
    assert found.label == "body over the budget"


def test_init_alone_over_a_share_names_no_body() -> None:
    init = InitResult(rss_mb=300, peak_rss_mb=310)
    found = budgets.workers_fit_in_the_memory_budget(
        budgets.Memory(init, (_call(1, peak_rss_mb=305, own_peak=True),), 1000, "x", 4, "y")
    )
    assert found is not None and found.body is None
    assert "init() alone peaks at 310 MB, over each worker's share of 250 MB" in found.details


def _repeat(rss: list[float], **fields: object) -> tuple[Call, ...]:
    return tuple(Call(Body(b"{}"), phase="repeat", rss_mb=r, **fields) for r in rss)  # type: ignore[arg-type]


def test_steady_growth_over_the_repeat_phase_is_a_warning_with_the_figures() -> None:
    # As measured on tests/budgets/keeps_every_request: about 190 KB a request.
    rss = [51.52 + 0.19 * i for i in range(20)]
    text = budgets.memory_growth(_repeat(rss))
    assert text.startswith("the worker's memory kept growing while the same 20 bodies were sent again: 51.5 MB →")
    assert "about 195 KB a request" in text


@pytest.mark.parametrize(
    "rss",
    [
        # Flat, as on every correct script of the suite (within 0.06 MB).
        [74.15, 74.15, 74.15, 74.16, 74.17, 74.18, 74.18, 74.18, 74.2, 74.2, 74.21, 74.21],
        # One step (a cache filled late, a new arena), then flat: no leak.
        [30.0, 30.0, 32.0, 32.0, 32.0, 32.0, 32.0, 32.0, 32.0, 32.0, 32.0, 32.0],
        # Too few bodies sent again to tell.
        [30.0, 31.0, 32.0, 33.0],
    ],
)
def test_flat_memory_a_single_step_or_too_few_calls_give_no_warning(rss: list[float]) -> None:
    assert budgets.memory_growth(_repeat(rss)) == ""


def test_growth_is_judged_within_one_worker_and_without_the_early_back_to_back_pair() -> None:
    early = Call(Body(b"{}"), phase="repeat", rss_mb=10.0, back_to_back=True)
    # A replacement worker starts low: its figures are not compared with the dead one's.
    first = _repeat([60.0, 61.0], incarnation=1)
    second = _repeat([20.0] * 10, incarnation=2)
    assert budgets.memory_growth((early, *first, *second)) == ""


def test_a_p99_over_half_the_timeout_is_a_warning() -> None:
    calls = [_call(10)] * 99 + [_call(3000)]
    assert budgets.latency_warning(calls, 5.0) == ""
    text = budgets.latency_warning([*calls, _call(3000)], 5.0)
    assert text.startswith("run()'s p99 latency is 3000 ms, more than half of the 5 s request timeout")


def test_the_ticker_is_silent_at_first_then_says_where_the_phase_is() -> None:
    now = [0.0]
    lines: list[str] = []
    ticker = Ticker(lines.append, "app/score.py", clock=lambda: now[0])
    sent: Counter[str] = Counter(generated=10)
    ticker.sent("generated", sent)
    assert lines == []  # a phase that ends within seconds prints nothing extra
    now[0] = 3.5
    ticker.sent("generated", sent)
    now[0] = 4.0
    ticker.sent("generated", sent)  # not again so soon
    assert lines == ["app/score.py: searching with generated bodies, 10 bodies sent so far (4 s)"]
    now[0] = 9.0
    ticker.waiting("the official server to be ready", 120)
    assert lines[-1] == "app/score.py: waiting for the official server to be ready (9 s of 120)"


# -- through pytest ----------------------------------------------------------------


def test_a_generous_latency_budget_passes_and_a_tight_one_fails_with_its_figures(pytester: pytest.Pytester) -> None:
    script = _copy(pytester, "slow_per_row")
    passed = pytester.runpytest("--score", script, "--score-latency-p99", "5000", "-rA")
    passed.assert_outcomes(passed=16)
    passed.stdout.fnmatch_lines(
        [
            "*score-contract: latency and memory*",
            "slow_per_row/score.py: run() p50 * ms, p99 * over * calls on valid bodies (budget 5000 ms); init() * s; memory * MB after"
            " init(), peak * MB",
        ]
    )
    failed = pytester.runpytest("--score", script, "--score-latency-p99", "10", "-rf")
    failed.assert_outcomes(passed=15, failed=1)
    failed.stdout.fnmatch_lines(
        [
            "run()'s p99 latency is * ms, over the 10 ms budget (--score-latency-p99 10)",
            "  contract: run() answers valid bodies within the latency budget*",
            "  smallest body over the budget (*): {*",
            "  over * valid bodies: p50 * ms, p99 * ms, max * ms; * calls took longer than the budget.",
            "  reproduce: score-contract replay slow_per_row/score.py --body *",
            "FAILED slow_per_row/score.py::run_meets_the_latency_budget - run()'s p99*",
        ]
    )


def test_without_a_budget_there_is_no_budget_check(pytester: pytest.Pytester) -> None:
    script = _copy(pytester, "slow_per_row")
    result = pytester.runpytest("--score", script, "--co", "-q")
    assert "budget" not in result.stdout.str()


def test_a_memory_budget_counts_the_servers_workers_and_names_the_body(pytester: pytest.Pytester) -> None:
    script = _copy(pytester, "dense_features")
    # Each row costs run() 2 MB: a worker's share of 200 / 4 MB leaves room for a few rows only.
    args = ("--score", script, "--score-server-workers", "4", "--hypothesis-seed=3")
    fits = pytester.runpytest(*args, "--score-max-memory", "4000")
    fits.assert_outcomes(passed=16)
    result = pytester.runpytest(*args, "--score-max-memory", "200")
    result.assert_outcomes(passed=15, failed=1)
    result.stdout.fnmatch_lines(
        [
            "peak memory * MB × 4 workers = * MB, over the 200 MB budget (--score-max-memory 200)",
            "  contract: The deployment's workers fit in the memory budget*",
            '  smallest body over the budget (*): {"data": *',
            "  after init() * MB; run() needed * MB, over each worker's share of 50 MB, for the body shown.",
            "  workers: 4 (--score-server-workers 4).",
        ]
    )


def test_the_deployments_worker_count_is_what_the_memory_budget_counts(pytester: pytest.Pytester) -> None:
    shutil.copytree(REPO / "examples" / "deployment", pytester.path / "app")
    spec = pytester.path / "app" / "deployment.yml"
    spec.write_text(
        spec.read_text().replace("  LINEAR_MODEL_LOG_LEVEL: info", "  LINEAR_MODEL_LOG_LEVEL: info\n  WORKER_COUNT: 3")
    )
    result = pytester.runpytest("--score", "app/deployment.yml", "--score-max-memory", "10")
    result.stdout.fnmatch_lines(
        [
            "peak memory * MB × 3 workers = * MB, over the 10 MB budget*",
            "*workers: 3 (WORKER_COUNT in app/deployment.yml).",
        ]
    )


def test_memory_that_keeps_growing_is_a_warning_and_a_correct_script_gets_none(pytester: pytest.Pytester) -> None:
    leaky = _copy(pytester, "keeps_every_request")
    result = pytester.runpytest("--score", leaky)
    result.assert_outcomes(passed=15, warnings=1)
    result.stdout.fnmatch_lines(["*the worker's memory kept growing while the same * bodies were sent again: *"])
    correct = _copy(pytester, "slow_per_row")
    quiet = pytester.runpytest("--score", correct)
    assert "kept growing" not in quiet.stdout.str()


def test_a_p99_over_half_the_timeout_warns_without_failing(pytester: pytest.Pytester) -> None:
    script = _copy(pytester, "slow_per_row")
    # Nine rows take 36 ms and more: over half of a 60 ms timeout, and within it. A sample, so that it is sent
    # (and sent again) whatever Hypothesis draws: the p99 of ~130 calls is their second slowest.
    samples = Path(script).parent / "samples"
    samples.mkdir(exist_ok=True)
    (samples / "nine-rows.json").write_text(json.dumps({"data": [[1.0, 2.0, 3.0]] * 9}))
    result = pytester.runpytest("--score", script, "--score-timeout", "0.06")
    result.stdout.fnmatch_lines(["*run()'s p99 latency is * ms, more than half of the 0.06 s request timeout*"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--score-latency-p99", "fast"), "--score-latency-p99 fast: not a number of milliseconds."),
        (("--score-max-memory", "0"), "--score-max-memory 0: must be a positive number of megabytes."),
        (("-o", "score_max_memory=-5"), "-o score_max_memory=-5: must be a positive number of megabytes."),
    ],
)
def test_a_bad_budget_is_a_usage_error(pytester: pytest.Pytester, args: tuple[str, ...], message: str) -> None:
    script = _copy(pytester, "slow_per_row")
    result = pytester.runpytest("--score", script, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}"])


def test_the_budgets_are_in_the_report(pytester: pytest.Pytester) -> None:
    script = _copy(pytester, "slow_per_row")
    pytester.runpytest(
        "--score", script, "--score-latency-p99", "5000", "--score-max-memory", "900", "--score-report", "r.json"
    )
    report = json.loads((pytester.path / "r.json").read_text())
    jsonschema.validate(report, schema())
    (entry,) = report["scripts"]
    assert entry["budgets"] == {"latency_p99_ms": 5000.0, "max_memory_mb": 900.0, "workers": 1}
    assert [c["name"] for c in entry["checks"]][-2:] == [
        "run_meets_the_latency_budget",
        "workers_fit_in_the_memory_budget",
    ]


def test_replay_prints_runs_own_time_and_memory() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "score_contract_cli", "replay", str(BUDGETS / "dense_features" / "score.py")]
        + ["--body", '{"data": [[1, 2, 3]]}'],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "run() returned in " in done.stdout and " ms, its memory peaked at " in done.stdout


def test_a_scripts_own_settings_file_sets_its_budgets_and_the_command_line_wins(pytester: pytest.Pytester) -> None:
    script = _copy(pytester, "slow_per_row")
    (pytester.path / "slow_per_row" / "score-contract.toml").write_text("max_memory = 1\nlatency_p99 = 60000\n")
    result = pytester.runpytest("--score", script, "-rf")
    result.assert_outcomes(passed=16, failed=1)
    result.stdout.fnmatch_lines(
        ["peak memory * MB, over the 1 MB budget (max_memory = 1 in slow_per_row/score-contract.toml)"]
    )
    overridden = pytester.runpytest("--score", script, "--score-max-memory", "100000")
    overridden.assert_outcomes(passed=17)


def test_the_summary_calls_a_budgets_body_what_the_failure_calls_it(pytester: pytest.Pytester) -> None:
    script = _copy(pytester, "slow_per_row")
    pytester.runpytest(
        "--score", script, "--score-latency-p99", "5", "--score-summary", "s.md", "--score-report", "r.json"
    )
    text = (pytester.path / "s.md").read_text()
    assert "### `slow_per_row/score.py::run_meets_the_latency_budget`" in text
    assert "\nsmallest body over the budget: `{" in text
    report = json.loads((pytester.path / "r.json").read_text())
    jsonschema.validate(report, schema())
