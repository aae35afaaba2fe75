"""The engine answers every request body as the official server's Flask app does.

score_contract/calling.py and responses.py rebuild by hand how azureml-inference-server-http turns
a request into a run() call and run()'s return value into a response. Here the
same bodies go through the engine (a Sandbox worker) and through the official app
(``create_app.create().test_client()`` in a fresh subprocess, see official_app.py),
and the two must agree on the status, the body bytes and every header that does
not vary per request.

The official app is the ground truth: a difference is a bug of the engine.
In-process, the test client cannot show what gunicorn does on the wire (its HTML
500 when a BaseException escapes the app, the response headers it drops, trims
or refuses, a streamed body it sends, Connection/Date/Server headers, chunked
encoding); tests/test_parity_http.py compares those against the real server over
HTTP. The cases themselves (scripts and bodies) live in tests/parity_cases.py.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from score_contract.core.observations import Body, Call, HttpResponse
from score_contract.isolation.sandbox import Sandbox
from score_contract.serving.loader import server_environment
from tests import official_app
from tests.parity_cases import (
    CASES,
    GUNICORN_ONLY,
    PARITY,
    REFUSED,
    SCORING_TIMEOUTS,
    answered_by_engine,
    bodies,
    boot_engine,
    comparable,
    script,
)
from tests.shared import Once

#: Cases the in-process app cannot answer: gunicorn decides what goes out
#: (parity_cases.GUNICORN_ONLY); tests/test_parity_http.py compares them against the real server.
NOT_IN_PROCESS = dict.fromkeys(GUNICORN_ONLY, "gunicorn, not the Flask app, decides this answer; compared over HTTP")
#: Where the smoke set (the other Pythons) selects the cases it runs by name.
NOXFILE = Path(__file__).resolve().parent.parent / "noxfile.py"


def _environment(case: str) -> dict[str, str]:
    # The environment the engine's worker gets: the scripts see the same on both sides.
    path = script(case)
    env = server_environment(os.environ, script=path, app_root=path.parent, model_dir=None)
    if case in SCORING_TIMEOUTS:
        env["SCORING_TIMEOUT_MS"] = str(int(SCORING_TIMEOUTS[case] * 1000))
    return env


def _differences(body: Body, call: Call, answer: official_app.Answer) -> list[str]:
    sent = f"{body.source} ({body.method} {body.target} {body.data!r}, Content-Type {body.content_type!r})"
    if answer.escaped:
        return [f"{sent}: the official app let {answer.escaped} escape"]
    if call.response is None:
        return [f"{sent}: the engine's worker died: {call.death}"]
    found = []
    if call.response.status != answer.status:
        found.append(f"status: engine {call.response.status}, official {answer.status}")
    if call.response.body != answer.body:
        found.append(f"body: engine {call.response.body!r}, official {answer.body!r}")
    ours, theirs = comparable(call.response.headers), comparable(answer.headers)
    for name in sorted(ours.keys() | theirs.keys()):
        if ours.get(name) != theirs.get(name):
            found.append(f"header {name}: engine {ours.get(name)}, official {theirs.get(name)}")
    return [f"{sent}:\n    " + "\n    ".join(found)] if found else []


@pytest.fixture(scope="module")
def official_boots(request: pytest.FixtureRequest) -> Iterator[dict[str, Future[official_app.Boot]]]:
    """The official app's answers for every selected case, two subprocesses at a time.

    Each boot costs ~0.7 s of imports (Flask, the server, inference-schema); run in
    the background while the tests drive the engine, the file takes half the time.
    """
    selected = [
        item.callspec.params["case"]
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_engine_answers_like_the_official_app"
        and item.callspec.params["case"] in CASES
    ]
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="official-app")
    boots = {
        case: pool.submit(
            official_app.answer,
            script(case),
            bodies(case),
            _environment(case),
        )
        for case in selected
    }
    yield boots
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize(
    "case",
    [*CASES, *(pytest.param(case, marks=pytest.mark.skip(reason=why)) for case, why in NOT_IN_PROCESS.items())],
)
def test_engine_answers_like_the_official_app(
    case: str, official_boots: dict[str, Future[official_app.Boot]], once: Once[list[Call]]
) -> None:
    sent = bodies(case)
    calls = answered_by_engine(once, case)[: len(sent)]  # then the wire-only requests, for test_parity_http
    boot = official_boots[case].result()
    assert boot.exit_code is None, f"the official app did not boot:\n{boot.log}"
    assert len(boot.answers) == len(sent), boot.log
    differences: list[str] = []
    for body, call, answer in zip(sent, calls, boot.answers, strict=True):
        differences += _differences(body, call, answer)
    assert not differences, f"{len(differences)} of {len(sent)} bodies answered differently:\n" + "\n".join(differences)


@pytest.mark.parametrize("case", REFUSED)
def test_engine_refuses_to_boot_like_the_official_app(case: str) -> None:
    path = script(case)
    pending = official_app.start(path, [], _environment(case))
    sandbox = Sandbox(path, path.parent, None)
    try:
        imported, initialized = boot_engine(sandbox, path)
    finally:
        sandbox.close()
        boot = official_app.finish(pending)
    assert boot.exit_code == 3, f"the official app booted:\n{boot.log}"
    engine_refused = not imported.accepted or (initialized is not None and not initialized.ok)
    assert engine_refused, (imported, initialized)


def test_engine_still_reports_a_timeout_that_run_swallowed() -> None:
    """The response is the server's (run()'s own answer), but the call ran past its time."""
    path = script("run-swallows-the-timeout")
    sandbox = Sandbox(path, path.parent, None)
    try:
        boot_engine(sandbox, path)
        call = sandbox.ask("call", CASES["run-swallows-the-timeout"][0], 0.2, timeout=0.2)
    finally:
        sandbox.close()
    assert isinstance(call, Call) and call.response is not None
    assert (call.response.status, call.response.body) == (200, b'{"swallowed": "TimeoutError"}')
    assert call.timed_out and call.error is not None and "time.sleep(10)" in call.error.traceback


def test_every_parity_script_is_in_a_case() -> None:
    """A script added under tests/parity/ without a case would silently prove nothing."""
    on_disk = {path.parent.name for path in PARITY.glob("*/score.py")}
    assert on_disk == set(CASES) | set(GUNICORN_ONLY) | set(REFUSED)


def test_the_comparison_sees_a_difference() -> None:
    """Guard against a comparison that passes whatever the engine answers."""
    body = Body(b"{}", "x")
    call = Call(body, response=HttpResponse(200, (("Content-Type", "application/json"),), b"{}"))
    same = official_app.Answer(200, (("Content-Type", "application/json"), ("x-request-id", "1")), b"{}")
    other = official_app.Answer(200, (("Content-Type", "text/html"),), b"{}")
    assert _differences(body, call, same) == []
    assert _differences(body, call, other) != []


@pytest.mark.parametrize("case", ["run-times-out", "schema-pandas-records", "rawhttp-files", "boot-init-raises"])
def test_the_official_app_forked_from_the_zygote_answers_as_a_fresh_interpreter_does(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ground truth itself: official_app forks each script's app from a zygote that imported the server's
    libraries once; a fresh interpreter, as the server's own worker is, must answer the same (an environment read
    at import: SCORING_TIMEOUT_MS; inference-schema's registry; a boot failure)."""
    sent = bodies(case) if case in CASES else []
    forked = official_app.answer(script(case), sent, _environment(case))
    monkeypatch.setattr(official_app._Zygote, "running", classmethod(lambda cls: None))
    fresh = official_app.answer(script(case), sent, _environment(case))
    timing = {"x-ms-run-fn-exec-ms", "x-ms-request-id", "x-request-id", "date"}

    def seen(boot: official_app.Boot) -> object:
        answers = [
            (a.status, [h for h in a.headers if h[0].lower() not in timing], a.body, a.escaped) for a in boot.answers
        ]
        return boot.exit_code, answers

    assert seen(forked) == seen(fresh)


@pytest.mark.skipif(not NOXFILE.is_file(), reason="the smoke set runs outside the checkout")
def test_the_cases_the_smoke_set_names_are_cases_and_select_themselves_only() -> None:
    """noxfile.py selects the cases other Pythons run by name (pytest -k, a substring match): a case renamed or
    removed would silently leave the smoke set, and a name inside another would select that one too."""
    named = {
        target.id: ast.literal_eval(node.value)
        for node in ast.parse(NOXFILE.read_text()).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id in ("HTTP_CASES", "PARITY_CASES")
    }
    every = {*CASES, *GUNICORN_ONLY, *REFUSED}
    assert set(named["PARITY_CASES"]) <= set(CASES)
    assert set(named["HTTP_CASES"]) <= every
    for name in (*named["PARITY_CASES"], *named["HTTP_CASES"]):
        assert [case for case in every if name in case] == [name]
