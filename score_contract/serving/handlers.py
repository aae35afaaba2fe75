"""Before Python 3.12: the script's own exception handlers tell the watcher when they run.

Each ``except`` block of the script's files (its folder, the app root) starts with one call
of ``NOTE`` (a name put in ``builtins``, which no source can spell), and the body of each
``with`` statement is wrapped in ``try: ... except: NOTE(); raise``, since a context manager
can swallow an exception too (``contextlib.suppress``). The script's code is otherwise the
code the server runs: compiled from the same source, with the same lines, the same names
and the same globals; a bare ``raise`` leaves the traceback as it was. Nothing is called
while no exception is handled: the interpreter's fast path stays on (a trace function,
which this replaced, put every instruction of run() and all it called on the slow path:
1.44x a bare loop for a run() with a ``try``, bench/caught_overhead.py).

The entry script is loaded with ``spec(name, path)``; the user's other modules go through
a finder put just before ``PathFinder`` on ``sys.meta_path``: it asks ``PathFinder`` (so the
same file is found, ``sys.path`` and shadowing included) and only swaps the loader of a
source file under the roots. Instrumented code is never written to ``__pycache__``: the
server, run from the same folder, must find the script's own bytecode there.

Written by hand: no library instruments handlers (pytest's assertion rewriting, the
pattern followed here, instruments ``assert``). Worker-side code: the standard library
only, Python 3.8+.
"""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable
from types import CodeType, ModuleType
from typing import Any

#: The builtin each instrumented handler calls; '@' keeps it out of reach of any source.
NOTE = "@score_contract_handled"


class _Instrument(ast.NodeTransformer):
    """Every handler of a module, its first statement a call of NOTE."""

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        self.generic_visit(node)
        node.body.insert(0, _note(node))
        return node

    def _wrapped(self, node: Any) -> Any:
        self.generic_visit(node)
        passing = ast.ExceptHandler(type=None, name=None, body=[_note(node), ast.Raise(exc=None, cause=None)])
        node.body = [ast.copy_location(ast.Try(body=node.body, handlers=[passing], orelse=[], finalbody=[]), node)]
        ast.copy_location(passing, node)
        ast.copy_location(passing.body[1], node)
        return node

    visit_With = _wrapped
    visit_AsyncWith = _wrapped


def _note(node: ast.AST) -> ast.stmt:
    call = ast.Call(func=ast.Name(id=NOTE, ctx=ast.Load()), args=[], keywords=[])
    return ast.copy_location(ast.Expr(value=ast.copy_location(call, node)), node)


def compile_instrumented(source: bytes, path: str) -> CodeType:
    """The module's code, its handlers reporting to NOTE; a SyntaxError as compile() raises it."""
    tree = _Instrument().visit(ast.parse(source, path))
    return compile(ast.fix_missing_locations(tree), path, "exec", dont_inherit=True)


class _Loader(importlib.machinery.SourceFileLoader):
    """Compiles from source every time, and caches nothing (see the module's docstring)."""

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        return compile_instrumented(self.get_data(path), path)


class _Finder:
    """Finds what PathFinder finds; gives a source file under the roots the instrumenting loader."""

    def __init__(self, is_user_file: Callable[[str], bool]) -> None:
        self.is_user_file = is_user_file

    def find_spec(self, fullname: str, path: Any = None, target: ModuleType | None = None) -> Any:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        loader = getattr(spec, "loader", None)
        if type(loader) is importlib.machinery.SourceFileLoader and self.is_user_file(loader.path):
            spec.loader = _Loader(loader.name, loader.path)  # type: ignore[union-attr]
        return spec

    def invalidate_caches(self) -> None:
        return None


def install(note: Callable[[], None], is_user_file: Callable[[str], bool]) -> None:
    """Make NOTE a builtin and instrument the user's modules imported from now on (once per process)."""
    import builtins

    setattr(builtins, NOTE, note)
    for finder in sys.meta_path:
        if isinstance(finder, _Finder):
            finder.is_user_file = is_user_file  # the latest script's files (a worker loads one)
            return
    try:
        at = sys.meta_path.index(importlib.machinery.PathFinder)
    except ValueError:
        at = len(sys.meta_path)
    sys.meta_path.insert(at, _Finder(is_user_file))


def spec(name: str, path: str) -> Any:
    """The entry script's spec, as ``spec_from_file_location(name, path)`` gives it, with the instrumenting loader."""
    return importlib.util.spec_from_file_location(name, path, loader=_Loader(name, path))
