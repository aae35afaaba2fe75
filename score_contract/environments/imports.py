"""Which modules a script and its local modules import at top level, and which of them an
environment does not provide.

Read with ``ast``, not by importing: the import itself is what would fail. Imports inside
``try: ... except ImportError`` are optional and left out; imports inside functions are judged
when the function runs. A module is local when a file or package of that name lies in the app
root or beside the script; local modules are followed. What the environment provides is asked of
its own Python (``importlib.util.find_spec``), and the distribution a missing module comes from
is looked up in this interpreter's installed packages, then in a short table of the usual
mismatches (``sklearn`` is scikit-learn).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..isolation.sandbox import outside_our_python

#: Import name -> distribution, for modules whose distribution is named otherwise and may not be
#: installed here either.
_KNOWN = {
    "sklearn": "scikit-learn",
    "cv2": "opencv-python",
    "PIL": "Pillow",
    "yaml": "PyYAML",
    "skimage": "scikit-image",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "google": "protobuf",
    "attr": "attrs",
    "jwt": "PyJWT",
    "tf": "tensorflow",
}
#: Provided by the inference server itself once it runs (its aliases), whatever find_spec says.
_SERVER_PROVIDED = ("azureml.contrib.services",)


@dataclass(frozen=True)
class ImportLine:
    """One top-level import: where it is and the top-level module it needs."""

    file: Path
    line: int
    module: str
    #: As written ("sklearn.linear_model"), for the report.
    written: str


@dataclass(frozen=True)
class Missing:
    where: ImportLine
    distribution: str

    def describe(self, env_shown: str, app_root: Path) -> str:
        try:
            file = self.where.file.relative_to(app_root)
        except ValueError:
            file = Path(self.where.file.name)
        return (
            f"{file}:{self.where.line} imports {self.where.written}; {env_shown} does not install {self.distribution}"
        )


def top_level_imports(script: Path, app_root: Path) -> list[ImportLine]:
    """The script's top-level imports and those of the local modules it imports, in order."""
    roots = list(dict.fromkeys([app_root, script.parent]))
    seen: set[Path] = set()
    found: list[ImportLine] = []
    pending = [script]
    while pending:
        file = pending.pop(0)
        if file in seen:
            continue
        seen.add(file)
        for entry in _imports(file):
            is_local, follow = _local(entry.module, roots, file)
            if follow is not None:
                pending.append(follow)
            if not is_local and entry.module not in sys.stdlib_module_names:
                found.append(entry)
    return found


def _imports(file: Path) -> list[ImportLine]:
    try:
        tree = ast.parse(file.read_bytes(), filename=str(file))
    except (SyntaxError, ValueError, OSError):
        return []  # the import check reports it, with the server's words
    return list(_walk(tree.body, file))


def _walk(statements: list[ast.stmt], file: Path) -> Iterator[ImportLine]:
    for node in statements:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield ImportLine(file, node.lineno, alias.name.split(".")[0], alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield ImportLine(file, node.lineno, node.module.split(".")[0], node.module)
        elif isinstance(node, ast.Try):
            optional = any(_catches_import_error(h) for h in node.handlers)
            if not optional:
                yield from _walk(node.body, file)
            for handler in node.handlers:
                yield from _walk(handler.body, file)
            yield from _walk(node.orelse, file)
            yield from _walk(node.finalbody, file)
        elif isinstance(node, ast.If):
            if not _type_checking(node.test):
                yield from _walk(node.body, file)
            yield from _walk(node.orelse, file)
        elif isinstance(node, ast.With):
            yield from _walk(node.body, file)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names = []
    if handler.type is None:
        return True
    for node in ast.walk(handler.type):
        if isinstance(node, ast.Name):
            names.append(node.id)
    return bool({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"} & set(names))


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _local(module: str, roots: list[Path], importer: Path) -> tuple[bool, Path | None]:
    """Whether ``module`` is the app's own, and the file to follow (None for a namespace folder)."""
    for root in [*roots, importer.parent]:
        if (root / f"{module}.py").is_file():
            return True, root / f"{module}.py"
        if (root / module / "__init__.py").is_file():
            return True, root / module / "__init__.py"
        if (root / module).is_dir():
            return True, None
    return False, None


#: Run in the environment's Python (any 3.x): which of the names it can import with the server's sys.path.
#: ``-c`` puts the working folder first; the server has none of it, only AML_APP_ROOT appended
#: (AZUREML_SERVER_FACTS.md, Loading), so the verdict must not depend on where the gate was started.
_FIND = (
    "import importlib.util, json, sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')] + [sys.argv[2]];"
    " print(json.dumps([n for n in json.loads(sys.argv[1]) if importlib.util.find_spec(n) is None]))"
)


def missing_in(python: Path, imports: list[ImportLine], has_server: bool, app_root: Path) -> list[Missing]:
    """The imports the environment at ``python`` cannot satisfy, with the distribution to add."""
    wanted = sorted({i.module for i in imports})
    if not wanted:
        return []
    result = subprocess.run(
        [str(python), "-c", _FIND, json.dumps(wanted), str(app_root)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=app_root,
        env=outside_our_python(os.environ),
    )
    absent = set(json.loads(result.stdout)) if result.returncode == 0 else set()
    missing = []
    for entry in imports:
        if entry.module not in absent:
            continue
        if has_server and entry.written.startswith(_SERVER_PROVIDED):
            continue
        missing.append(Missing(entry, distribution_of(entry.module)))
    return missing


def distribution_of(module: str) -> str:
    from importlib.metadata import packages_distributions

    here = packages_distributions().get(module)
    if here:
        return here[0]
    return _KNOWN.get(module, module)
