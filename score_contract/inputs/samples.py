"""Read sample request bodies: a ``.json`` file is one body, a ``.jsonl`` file one
body a line, a folder holds any number of both.

Every problem is a UsageError naming the file (and the line) in one sentence.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..core.observations import Body
from ..errors import UsageError

SAMPLE_SUFFIXES = (".json", ".jsonl")


def load_samples(path: Path, relative_to: Path | None = None) -> tuple[Body, ...]:
    """Every body under ``path``, in a stable order (files sorted by name).

    Paths in messages and body sources are shown relative to ``relative_to``.
    """
    shown = _label(path, relative_to)
    if not path.exists():
        raise UsageError(f"{shown}: the samples path does not exist.")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SAMPLE_SUFFIXES)
        if not files:
            raise UsageError(f"{shown}: the samples folder has no .json or .jsonl files.")
        return tuple(body for file in files for body in _load_file(file, relative_to))
    if path.suffix not in SAMPLE_SUFFIXES:
        raise UsageError(f"{shown}: a samples file must end in .json (one body) or .jsonl (one body a line).")
    return _load_file(path, relative_to)


def _label(path: Path, relative_to: Path | None) -> str:
    if relative_to is not None:
        try:
            return os.path.relpath(path, relative_to)
        except ValueError:
            pass
    return str(path)


def _read_text(path: Path, label: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{label}: not UTF-8 text (byte {exc.start}).") from None
    except OSError as exc:
        raise UsageError(f"{label}: cannot be read ({exc.strerror}).") from None


def _load_file(path: Path, relative_to: Path | None) -> tuple[Body, ...]:
    label = _label(path, relative_to)
    text = _read_text(path, label)
    if path.suffix == ".json":
        if not text.strip():
            raise UsageError(f"{label}: the file is empty; a .json sample holds one request body.")
        return (Body.from_json(_parse(text, label, line_offset=0), label),)
    bodies = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            value = _parse(line, label, line_offset=number - 1)
            bodies.append(Body.from_json(value, f"{label}:{number}"))
    if not bodies:
        raise UsageError(f"{label}: the file has no lines; a .jsonl sample holds one request body a line.")
    return tuple(bodies)


def _reject_constant(token: str) -> object:
    raise ValueError(f"{token} is not valid JSON")


def _parse(text: str, path: str, line_offset: int) -> object:
    try:
        # Samples are sent by a strict client: NaN/Infinity are not JSON.
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        line = exc.lineno + line_offset
        raise UsageError(f"{path}: line {line} is not valid JSON ({exc.msg}, column {exc.colno}).") from None
    except ValueError as exc:
        raise UsageError(f"{path}: line {line_offset + 1} is not valid JSON ({exc}).") from None
    except RecursionError:
        raise UsageError(f"{path}: line {line_offset + 1} is nested too deeply to parse.") from None
