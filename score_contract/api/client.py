"""A client for contract tests: one scoring script, called exactly as the gate calls it.

The script runs in a worker process of its own, imported as the official server imports it, with its model folder
mounted as the platform mounts it (a deployment spec's, in the environment it declares); init() runs once; each
request goes through the server's argument conversion (``@input_schema``), run(), and the server's response
encoding, as :class:`~score_contract.online.runner.ScriptRun` does for the gate's own bodies — it is that run. With
``server=True`` the official server itself answers too, over loopback HTTP (:attr:`ScoreClient.http`).

A script that exits, segfaults or hangs ends its worker, never the test session: the call raises
:class:`ScriptFailed` in the test that made it, and the next call goes to a replacement worker.

Clients are cached per script and settings (:class:`Clients`), so that a test session pays one import and one
init() per script however many tests use it — the gate's own run of the same script included, when the pytest
plugin hands that run over (see ``share``).
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..config.settings import Settings, resolve
from ..core.observations import Body, Call, ImportResult, InitResult
from ..errors import UsageError
from ..online.report import describe_body
from ..online.runner import ScriptRun
from ..pipeline.context import RunContext
from ..pipeline.run import WorkerRun
from ..planning.own import own_settings
from ..planning.script import Script, plan
from .answer import Answer, answer_of


class ScriptFailed(AssertionError):
    """The script could not answer: it did not import, its init() failed, or its worker died or hung on the
    request. An AssertionError, so that pytest reports it as the test's failure, with the script's own traceback."""


class ScoreClient:
    """Calls one scoring script as the gate does. Create it with :func:`open_script` (or the ``score_script``
    fixture); close it, or use it as a context manager."""

    def __init__(self, run: ScriptRun, owned: bool = True) -> None:
        self._run = run
        #: Whether closing the client ends the run (not when the gate's own run was lent to it).
        self._owned = owned
        self._http: HttpClient | None = None
        self.script: Script = run.script
        self.settings: Settings = run.settings
        self._check(run.imported(), run.initialized())

    # -- what the script is ----------------------------------------------------

    @property
    def init_result(self) -> InitResult:
        """The one init() of the current worker: how long it took, what it caught, the warnings it raised."""
        init = self._run.initialized()
        assert init is not None
        return init

    @property
    def contract(self) -> dict[str, Any] | None:
        """The JSON Schema of a valid request body the gate uses: the decorators' and the schema files' together
        (None when neither says)."""
        return self._run.contract().body

    @property
    def output_contract(self) -> dict[str, Any] | None:
        """The JSON Schema every answer to a valid body must satisfy (@output_schema, response.schema.json)."""
        return self._run.contract().output

    # -- calling it ------------------------------------------------------------

    def run(
        self,
        body: object = None,
        *,
        json: object = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
        method: str = "POST",
        path: str = "/score",
    ) -> Answer:
        """Send one request, as a client of the endpoint would, and return the server's answer.

        ``body``: bytes or str are sent as they are; any other value is sent as JSON (as ``json=`` is), the way
        ``requests.post(json=...)`` sends it."""
        request = _request(body, json, content_type, headers, method, path)
        call = self._run.send(request)
        return self._answer(call)

    def _answer(self, call: Call) -> Answer:
        if call.response is not None:
            return answer_of(call)  # a 400 the server answered before run() saw the body is an answer too
        if call.rejected is not None:
            raise ScriptFailed(f"the body was not sent: {call.rejected}")
        if call.death is not None:
            where = describe_body(call.body)
            detail = f"\n{call.death.last_output.strip()}" if call.death.last_output.strip() else ""
            raise ScriptFailed(f"the script's worker {call.death.describe()} while it handled {where}{detail}")
        if call.timed_out and call.response is None:
            raise ScriptFailed(f"run() did not answer within {self.settings.timeout:g} s")
        return answer_of(call)

    @property
    def http(self) -> HttpClient:
        """The official server serving the script on 127.0.0.1 (open_script(..., server=True)), booted on first use."""
        if not self.settings.server:
            raise UsageError("the official server answers only a client opened with server=True")
        if self._http is None:
            self._http = HttpClient(self._run)
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
        if self._owned:
            self._run.close()

    def __enter__(self) -> ScoreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self, imported: ImportResult, init: InitResult | None) -> None:
        """A script that did not import or whose init() failed has no answer to give: say why, once."""
        shown = self.script.shown_as
        if imported.death is not None:
            raise ScriptFailed(f"importing {shown} ended its worker: it {imported.death.describe()}")
        if imported.error is not None:
            raise ScriptFailed(f"{shown} does not import: {imported.error.summary}\n{imported.error.traceback}")
        if imported.definition_problem is not None:
            raise ScriptFailed(f"the server refuses {shown}: {imported.definition_problem}")
        if init is None or not init.ok:
            assert init is not None
            if init.death is not None:
                raise ScriptFailed(f"init() of {shown} ended its worker: it {init.death.describe()}")
            if init.timed_out:
                raise ScriptFailed(f"init() of {shown} did not return within {self.settings.init_timeout:g} s")
            assert init.error is not None
            hint = f"\nhint: {init.hint}" if init.hint else ""
            raise ScriptFailed(f"init() of {shown} failed: {init.error.summary}\n{init.error.traceback}{hint}")


class HttpClient:
    """The official server (azmlinfsrv's app under gunicorn, on 127.0.0.1) serving the script: ``post``, ``get``
    and ``request`` as requests has them, on paths of the server (``/score``, ``/swagger.json``)."""

    def __init__(self, run: ScriptRun) -> None:
        from ..official.server import OfficialServer

        settings = run.settings
        self._server = OfficialServer(
            run.script.path,
            run.script.app_root,
            settings.model_dir,
            workers=settings.server_workers,
            scoring_timeout=settings.timeout,
            python=run.deployed.python,
            variables=run.deployed.variables(),
            gunicorn=run.deployed.version("gunicorn"),
        )
        boot = self._server.wait_ready(settings.init_timeout + 30)
        if not boot.ready:
            self._server.stop()
            raise ScriptFailed(f"the official server did not become ready: {boot.problem}\n{boot.log}")
        self.url = self._server.url

    def request(self, method: str, path: str = "/score", **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", 60)
        return self._server.http().request(method, self.url + path, **kwargs)

    def post(self, path: str = "/score", **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def get(self, path: str = "/", **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def close(self) -> None:
        self._server.stop()


def _request(
    body: object, json: object, content_type: str | None, headers: Mapping[str, str] | None, method: str, path: str
) -> Body:
    """The request a client sends. ``content_type=""`` sends none at all, as some clients do."""
    if body is not None and json is not None:
        raise UsageError("give the body, or json=, not both")
    if isinstance(body, (bytes, bytearray)):
        data, default = bytes(body), "application/octet-stream"
    elif isinstance(body, str):
        data, default = body.encode("utf-8"), "application/json"
    else:
        value = json if json is not None else body
        data, default = (b"" if value is None else jsonlib.dumps(value).encode("utf-8")), "application/json"
    kind = default if content_type is None else content_type
    return Body(data, "a contract test", kind, method.upper(), path, tuple((headers or {}).items()))


# -- opening clients, once per script and settings ---------------------------------


def settings_for(target: str | Path, base: Path, options: Mapping[str, Any]) -> tuple[Path, Settings]:
    """The target's path and its settings: the options given (``model_dir="model"``, ``timeout=2``, any option of
    ``pytest --score`` by its name without the prefix), then its score-contract.toml, as the gate reads them."""
    # Paths may be given as Path objects, as a test builds them from __file__.
    options = {key: str(value) if isinstance(value, Path) else value for key, value in options.items()}
    try:
        settings = resolve(scripts=[str(target)], base=base, **options)
    except TypeError as exc:
        raise UsageError(f"not an option of the gate: {exc}") from None
    path = settings.scripts[0]
    return path, own_settings(settings, path, base)


class Clients:
    """Clients by script and settings: one worker, one import, one init() per script and option set."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._open: dict[tuple[Path, tuple[object, ...]], ScoreClient] = {}
        #: The gate's own runs, by script and settings, lent when a client of the same script opens (see share).
        self._lenders: dict[tuple[Path, tuple[object, ...]], Callable[[], WorkerRun | None]] = {}

    def share(self, path: Path, settings: Settings, lend: Callable[[], WorkerRun | None]) -> None:
        """A run of the gate's: a client of the same script and settings uses it (``lend`` gives it, on first need)."""
        self._lenders[(path.resolve(), _comparable(settings))] = lend

    def open(self, target: str | Path, **options: Any) -> ScoreClient:
        path, settings = settings_for(target, self.base, options)
        key = (path, _comparable(settings))
        if key not in self._open:
            lent = self._lenders[key]() if key in self._lenders else None
            if isinstance(lent, ScriptRun):
                lent.keep_worker = True
                self._open[key] = ScoreClient(lent, owned=False)
            else:
                script = plan(settings, path, self.base)
                if script.kind != "online":
                    raise UsageError(f"{script.shown_as}: a batch script; the client calls online scripts")
                self._open[key] = ScoreClient(ScriptRun(script, script.settings_for(settings), RunContext()))
        return self._open[key]

    def close(self) -> None:
        for client in self._open.values():
            client.close()
        self._open.clear()


def _comparable(settings: Settings) -> tuple[object, ...]:
    """What of the settings changes how the script is run and what its contract is (not how many bodies the gate
    sends, nor how messages name the options): two uses with the same can share one worker."""
    return (
        settings.model_dir,
        settings.app_root,
        settings.timeout,
        settings.init_timeout,
        settings.env_file,
        settings.samples,
        settings.schema,
        settings.output_schema,
        settings.kind,
        settings.server,
        settings.server_workers,
    )


@contextmanager
def open_script(target: str | Path, **options: Any) -> Iterator[ScoreClient]:
    """A client of one scoring script (or the script a deployment spec names), for use outside pytest::

    with open_script("src/score.py", model_dir="model") as client:
        assert client.run({"data": [[1, 2, 3]]}).status == 200
    """
    clients = Clients(Path.cwd())
    try:
        yield clients.open(target, **options)
    finally:
        clients.close()
