"""Import a score.py the way ``azmlinfsrv`` does, inside a worker process of its own.

Facts this module reproduces (AZUREML_SERVER_FACTS.md, re-measured on 1.5.1 in
/work/notes/server_probe.md):

* the module is loaded with ``spec_from_file_location("entry_module", path)`` and
  is *not* put in ``sys.modules``; ``__main__`` blocks never run;
* ``sys.path`` starts with the folder of the ``azmlinfsrv`` console script (not the
  working folder), the server's own ``server/`` folder comes *before* the app root,
  which is appended at the end: a user module named ``utils`` or ``config`` is
  shadowed by the server's;
* the working folder is where the server was started (our app root);
* ``azureml.contrib.services.aml_request`` / ``aml_response`` are aliases of the
  server's ``api`` modules;
* the env vars below are set, ``AZUREML_MODEL_DIR`` only when a model dir is given;
* ``driver_module``: when the script exposes one with a run(), the server calls that
  run() directly but keeps the script's own init().
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType, ModuleType
from typing import Any

from ..core.contract import Contract
from ..core.observations import ImportResult, Mode
from ..inputs import contract
from . import SERVER_PACKAGE, tracebacks, warned
from .caught import Watcher
from .hints import model_dir_hint, shadow_hint

ENTRY_MODULE = "entry_module"
_API_ALIASES = {
    "azureml.contrib.services.aml_request": f"{SERVER_PACKAGE}.api.aml_request",
    "azureml.contrib.services.aml_response": f"{SERVER_PACKAGE}.api.aml_response",
}
#: What the server's default port would be; scripts see it as SERVER_PORT.
SERVER_PORT = "5001"


def server_environment(
    base: Mapping[str, str], *, script: Path, app_root: Path, model_dir: Path | None
) -> dict[str, str]:
    """The environment a script sees under ``cd APP_ROOT && azmlinfsrv --entry_script ...``."""
    env = dict(base)
    env["AML_APP_ROOT"] = str(app_root)
    env["AZUREML_ENTRY_SCRIPT"] = str(script)
    if model_dir is not None:
        # The server passes --model_dir as given; we give it absolute so that the
        # script finds the same folder whatever folder the user ran pytest from.
        env["AZUREML_MODEL_DIR"] = str(model_dir)
    env.setdefault("TRANSPORT_PROTOCOL", "grpc")
    env.setdefault("WORKER_COUNT", "1")
    env["SERVER_PORT"] = SERVER_PORT
    env["HEALTH_PORT"] = SERVER_PORT
    env.setdefault("AML_APP_INSIGHTS_ENABLED", "false")
    # Here, not at the top: the parent calls this, and the worker, which imports this module too, need not read
    # package metadata (importlib.metadata is ~13 ms of every worker's start).
    from ..core.versions import package_version

    server_version = package_version("azureml-inference-server-http")
    if server_version and "SERVER_VERSION_LOG_RESPONSE_ENABLED" not in env:
        env["HTTP_X_MS_SERVER_VERSION"] = f"azmlinfsrv/{server_version}"
    gunicorn_version = package_version("gunicorn")
    if gunicorn_version:
        env["SERVER_SOFTWARE"] = f"gunicorn/{gunicorn_version}"
    return env


def prepare_interpreter(app_root: str) -> None:
    """Make sys.path, sys.argv and the module aliases what the server's worker has."""
    # The azmlinfsrv console script's folder is sys.path[0]; the working folder is not on it.
    sys.path[0] = os.path.dirname(sys.executable)
    _alias_server_api()
    # Appended twice, as the server does: once by amlserver.set_path_variable in
    # the master, once by aml_blueprint when the worker imports it.
    sys.path += [app_root, app_root]
    sys.argv = ["azmlinfsrv", "-b", f"127.0.0.1:{SERVER_PORT}", "-w", "1", f"{SERVER_PACKAGE}.server.entry:app"]


def _alias_server_api() -> None:
    """Register ``azureml.contrib.services.*`` as the server does, but lazily.

    Importing the server package puts its ``server/`` folder on sys.path (as in the
    server). The api modules import Flask (~0.25 s), so they are loaded on first
    attribute access: a script that never touches them does not pay for Flask.
    """
    try:
        importlib.import_module(SERVER_PACKAGE)
    except ImportError:
        return
    for alias, real in _API_ALIASES.items():
        if real in sys.modules:
            sys.modules[alias] = sys.modules[real]
            continue
        spec = importlib.util.find_spec(real)
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[real] = module
        sys.modules[alias] = module
        spec.loader.exec_module(module)


def rawhttp_requested() -> bool:
    """The server's module-global flag set by ``@rawhttp`` (without forcing a lazy load)."""
    module = sys.modules.get(_API_ALIASES["azureml.contrib.services.aml_request"])
    if module is None:
        return False
    namespace: dict[str, Any] = object.__getattribute__(module, "__dict__")
    return bool(namespace.get("_rawHttpRequested", False))


@dataclass
class LoadedScript:
    """A script imported and accepted by the server's rules."""

    module: ModuleType
    run: Callable[..., Any]
    init: Callable[[], Any]
    mode: Mode
    parameters: tuple[inspect.Parameter, ...]
    wants_headers: bool
    app_root: str
    #: The undecorated run(): reaching its frame means the body got past conversion.
    inner_run_code: CodeType | None
    #: Sees the exceptions the script catches itself (its folder and the app root are its own).
    watcher: Watcher
    init_calls: list[int] = field(default_factory=lambda: [0])

    @functools.cached_property
    def roots(self) -> tuple[str, ...]:
        """Where the user's files are: the app root, and the script's folder if it lies elsewhere.
        Kept: every call asks for them, and each asking resolved both paths again (lstat per component)."""
        return user_roots(self.module.__file__ or self.app_root, self.app_root)


def user_roots(script: str, app_root: str) -> tuple[str, ...]:
    script_dir = os.path.dirname(os.path.realpath(script))
    return tuple(dict.fromkeys((os.path.realpath(app_root), script_dir)))


class _InitCallTracer:
    """Count calls of functions named init defined in the script while it is imported.

    A profile function sees every new Python frame (its "call" event) and never a
    line. It is a profile function, not a trace function, so that coverage.py's
    tracer (--score-cov), which is the trace function, keeps seeing the import's
    lines. After import, only calls of the code object that ends up as the
    module's init() count.
    """

    def __init__(self, script: str) -> None:
        self.script = script
        self.codes: list[CodeType] = []

    def _profile(self, frame: FrameType, event: str, arg: object) -> None:
        code = frame.f_code
        if event == "call" and code.co_name == "init" and code.co_filename == self.script:
            self.codes.append(code)

    def __enter__(self) -> _InitCallTracer:
        self._previous = sys.getprofile()
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(self._previous)

    def count(self, init: object) -> int:
        code = getattr(inspect.unwrap(init), "__code__", None) if callable(init) else None
        return sum(1 for c in self.codes if c is code)


def load(script: str, app_root: str) -> tuple[ImportResult, LoadedScript | None]:
    """Import ``script`` as the server does and apply the server's checks on init/run."""
    started = time.perf_counter()
    roots = user_roots(script, app_root)
    # Before the import: before 3.12 the watcher imports the script's files with their handlers instrumented.
    watcher = Watcher(roots)
    spec = watcher.spec(ENTRY_MODULE, script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    tracer = _InitCallTracer(script)
    try:
        with tracer, warned.hearing(roots) as heard:
            spec.loader.exec_module(module)
    except BaseException as exc:  # the server catches BaseException here too
        error = tracebacks.describe(exc, roots)
        hint = shadow_hint(app_root, script, exc) or model_dir_hint(exc, script)
        return ImportResult(error=error, hint=hint, elapsed=time.perf_counter() - started), None
    elapsed = time.perf_counter() - started
    init = getattr(module, "init", None)
    init_calls = tracer.count(init)
    problem, loaded = _accept(module, script, app_root, watcher)
    if loaded is None:
        return ImportResult(
            definition_problem=problem, init_calls=init_calls, elapsed=elapsed, hint=shadow_hint(app_root, script)
        ), None
    code = loaded.inner_run_code
    result = ImportResult(
        mode=loaded.mode,
        parameters=tuple(p.name for p in loaded.parameters),
        init_calls=init_calls,
        elapsed=elapsed,
        contract=_read_contract(loaded),
        # co_firstlineno of a decorated function is its first decorator's line.
        run_line=code.co_firstlineno if code is not None and code.co_filename == script else 0,
        warnings=tuple(heard),
    )
    return result, loaded


def _read_contract(loaded: LoadedScript) -> Contract | None:
    if loaded.mode != "schema":
        return None
    try:
        return contract.from_decorators(loaded.run, loaded.parameters)
    except Exception as exc:  # an unusual parameter type must not stop the other checks
        return Contract(notes=(f"the decorators could not be read ({type(exc).__name__}: {exc})",))


def _accept(module: ModuleType, script: str, app_root: str, watcher: Watcher) -> tuple[str | None, LoadedScript | None]:
    """The server's rules (user_script.load_script / _analyze_run), with its messages."""
    if not hasattr(module, "init"):
        return f"User script at {script} does not have a init() function defined.", None
    if not hasattr(module, "run"):
        return f"User script at {script} does not have a run() function defined.", None
    run = module.run
    driver = getattr(module, "driver_module", None)
    if isinstance(driver, ModuleType) and hasattr(driver, "run"):
        run = driver.run
    try:
        signature = inspect.signature(run)
    except (TypeError, ValueError) as exc:
        return f"run() has no signature the server can inspect ({exc}).", None
    params = list(signature.parameters.values())
    if any(p.kind not in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
        return "run() cannot accept positional-only arguments, *args, or **kwargs.", None
    wants_headers = any(p.name == "request_headers" for p in params)
    params = [p for p in params if p.name != "request_headers"]
    if not params:
        if wants_headers:
            return 'run() needs to accept an argument other than "request_headers".', None
        return "run() needs to accept an argument for input data.", None
    decorated = _is_schema_decorated(run)
    raw = rawhttp_requested()
    if raw and decorated:
        return "run() cannot be decorated with both @rawhttp and @input_schema", None
    mode: Mode = "rawhttp" if raw else "schema" if decorated else "text"
    inner = inspect.unwrap(run)
    loaded = LoadedScript(
        module=module,
        run=run,
        init=module.init,
        mode=mode,
        parameters=tuple(params),
        wants_headers=wants_headers,
        app_root=app_root,
        inner_run_code=getattr(inner, "__code__", None),
        watcher=watcher,
    )
    _count_init_calls(loaded)
    return None, loaded


def _is_schema_decorated(run: Callable[..., Any]) -> bool:
    # Only a script that imported inference-schema can be decorated with it.
    schema_util = sys.modules.get("inference_schema.schema_util")
    if schema_util is None:
        return False
    return bool(schema_util.is_schema_decorated(run))


def _count_init_calls(loaded: LoadedScript) -> None:
    """Route the module's global ``init`` through a counter.

    run() calling init() (the "lazy init" pattern) looks the name up in the module's
    globals at call time, so it goes through the counter too.
    """
    original = loaded.init
    counter = loaded.init_calls

    def init(*args: Any, **kwargs: Any) -> Any:
        counter[0] += 1
        return original(*args, **kwargs)

    if callable(original):
        for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
            try:
                setattr(init, attr, getattr(original, attr))
            except (AttributeError, TypeError):
                pass
        init.__wrapped__ = original  # type: ignore[attr-defined]
        setattr(loaded.module, "init", init)  # noqa: B010 - a module attribute the script defined
        loaded.init = init
