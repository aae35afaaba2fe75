"""Hints for what went wrong while the server imported a script or ran its init(): a model folder that is not set or
not laid out as the script expects, a module of the script's shadowed by one of the server's own.

Each hint reads only what the failure and the files say; the worker attaches it to the failure it reports.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from . import SERVER_PACKAGE


def model_dir_hint(exc: BaseException, script: str) -> str:
    """A script that reads AZUREML_MODEL_DIR failed while it was not set: name the option that sets it.
    Or it looked for a model file where the model folder does not hold it: say where it is."""
    model_dir = os.environ.get("AZUREML_MODEL_DIR")
    if model_dir is not None:
        return _elsewhere_hint(exc, model_dir)
    text = f"{type(exc).__name__}: {exc}"
    try:
        reads_it = "AZUREML_MODEL_DIR" in Path(script).read_text(encoding="utf-8", errors="replace")
    except OSError:
        reads_it = False
    missing = "AZUREML_MODEL_DIR" in text or (
        reads_it and isinstance(exc, (TypeError, FileNotFoundError, NotADirectoryError, IndexError))
    )
    if not missing:
        return ""
    return (
        "AZUREML_MODEL_DIR is not set: the server sets it to the model's folder (its --model_dir)."
        " Give the folder with --score-model-dir DIR."
    )


def _elsewhere_hint(exc: BaseException, model_dir: str) -> str:
    """``$AZUREML_MODEL_DIR/model.pkl`` is missing but ``$AZUREML_MODEL_DIR/model/model.pkl`` exists: a model
    folder is mounted under its own name (a deployment's model.path folder ``model/``)."""
    wanted = getattr(exc, "filename", None)
    if not isinstance(exc, FileNotFoundError) or not isinstance(wanted, str):
        return ""
    root = Path(model_dir)
    try:
        Path(wanted).relative_to(root)
    except ValueError:
        return ""
    # os.walk, not rglob: the model is linked in, and rglob does not follow links (before 3.13).
    name = Path(wanted).name
    found = sorted(Path(top, name) for top, _, files in os.walk(root, followlinks=True) if name in files)
    if not found:
        return ""
    inside = found[0].relative_to(root)
    asked = Path(wanted).relative_to(root)
    if len(asked.parts) > len(inside.parts) and asked.parts[0] == root.resolve().name:
        # --score-model-dir .../model while the script joins "model/clf.pkl": the folder given is the registered
        # folder itself, which the platform mounts under its own name inside AZUREML_MODEL_DIR.
        return (
            f"the script joins {asked}, as the platform lays out a model registered as the folder {asked.parts[0]}/"
            f" (mounted under its own name). The folder given as AZUREML_MODEL_DIR is {asked.parts[0]}/ itself: give"
            f" its parent with --score-model-dir {root.resolve().parent}, or gate the deployment spec, which lays the"
            " model out as the platform does."
        )
    return (
        f"the model folder holds it as $AZUREML_MODEL_DIR/{inside}: a model registered as a folder is mounted"
        f" under its own name ({inside.parts[0]}/), so join that sub-folder, as the platform lays it out."
    )


def shadow_hint(app_root: str, script: str = "", exc: BaseException | None = None) -> str:
    """Name the user's modules that the server's own modules hide, where the server's come from,
    and what to do: the server's ``server/`` folder comes before the app root on sys.path, so
    ``import utils`` in score.py gets the server's utils.py (and a local ``utils`` package is
    never reached: "'utils' is not a package"), and ``import config`` gets the server's
    config.py, which fails to import outside its package.

    With ``exc``, only a module the failure involves is named (its name in the ImportError,
    the server's file among its frames); without, every one that is hidden."""
    server = _server_modules()
    folders = [app_root] + ([os.path.dirname(os.path.realpath(script))] if script else [])
    own: dict[str, Path] = {}
    for folder in dict.fromkeys(os.path.realpath(f) for f in folders):
        for name, path in _own_modules(Path(folder)).items():
            own.setdefault(name, path)
    hidden = [name for name in own if name in server]
    if exc is not None:
        hidden = [name for name in hidden if _involves(exc, name, server[name])]
    if not hidden:
        return ""
    lines = []
    for name in hidden:
        kind, shown = ("package", f"{name}/") if own[name].is_dir() else ("module", own[name].name)
        where = "the app root" if os.path.realpath(own[name].parent) == os.path.realpath(app_root) else own[name].parent
        lines.append(
            f"your {kind} {shown} (in {where}) is hidden by the server's own {name} module ({server[name]}):"
            f" the server puts its server/ folder before the app root on sys.path, so `import {name}` gets its"
            " module, never yours."
        )
    first = hidden[0]
    lines.append(
        f"Rename yours (e.g. {first} → score_{first}), or move it into a package of your own and import it from"
        f" there (from mypackage import {first}; inside that package, from . import {first} works too):"
        " a relative import in score.py itself fails, since the server loads it as a lone module."
    )
    return "\n".join(lines)


def _server_modules() -> dict[str, str]:
    """The server's own top-level modules that can hide a user's: name -> their file."""
    spec = importlib.util.find_spec(SERVER_PACKAGE)
    if spec is None or spec.origin is None:
        return {}
    server_dir = os.path.join(os.path.dirname(spec.origin), "server")
    try:
        names = os.listdir(server_dir)
    except OSError:
        return {}
    return {n[:-3]: os.path.join(server_dir, n) for n in sorted(names) if n.endswith(".py") and not n.startswith("_")}


def _own_modules(folder: Path) -> dict[str, Path]:
    """The modules ``import NAME`` would find in ``folder``: NAME.py files and NAME/ folders (a package,
    with or without __init__.py)."""
    found: dict[str, Path] = {}
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return found
    for entry in entries:
        if entry.suffix == ".py" and entry.is_file():
            found.setdefault(entry.stem, entry)
        elif entry.is_dir() and entry.name.isidentifier() and any(entry.glob("*.py")):
            found.setdefault(entry.name, entry)
    return found


def _involves(exc: BaseException, name: str, server_file: str) -> bool:
    """Whether the failure comes from ``import name`` reaching the server's module instead of the user's."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        missing = getattr(current, "name", None) if isinstance(current, ImportError) else None
        if isinstance(missing, str) and missing.split(".")[0] == name:
            return True
        text = str(current)
        if server_file in text or f"'{name}'" in text:
            return True
        tb = current.__traceback__
        while tb is not None:
            if os.path.realpath(tb.tb_frame.f_code.co_filename) == os.path.realpath(server_file):
                return True
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    return False
