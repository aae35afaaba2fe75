"""Read sample requests: a ``.json`` file is one body, a ``.jsonl`` file one body a
line, a ``.http`` file one or more whole requests (see :mod:`.http_files`), and any
other file is one body sent byte for byte (an image, a CSV, a parquet file) with a
Content-Type from its extension. A folder holds any number of them (its README and
hidden files aside).

Every problem is a UsageError naming the file (and the line) in one sentence.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
from pathlib import Path

from ..core.observations import Body
from ..errors import UsageError
from .http_files import included_files, read_requests

#: Files of a samples folder that are not samples.
_NOT_SAMPLES = re.compile(r"^(\.|readme(\.|$)|license(\.|$))", re.IGNORECASE)
#: Types mimetypes does not know (or guesses differently on other systems).
_CONTENT_TYPES = {
    ".parquet": "application/vnd.apache.parquet",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
    ".npy": "application/octet-stream",
    ".bin": "application/octet-stream",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".wav": "audio/wav",
    ".webp": "image/webp",
}


def content_type_of(path: Path) -> str:
    """The Content-Type a file is sent with, from its extension."""
    known = _CONTENT_TYPES.get(path.suffix.lower())
    if known is not None:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def load_samples(path: Path, relative_to: Path | None = None) -> tuple[Body, ...]:
    """Every request under ``path``, in a stable order (files sorted by name).

    Paths in messages and body sources are shown relative to ``relative_to``.
    """
    shown = _label(path, relative_to)
    if not path.exists():
        raise UsageError(f"{shown}: the samples path does not exist.")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not _NOT_SAMPLES.match(p.name))
        # A file a .http request includes (an image it uploads) is part of that request.
        parts = {part for file in files if file.suffix.lower() in (".http", ".rest") for part in included_files(file)}
        files = [file for file in files if file.resolve() not in parts]
        if not files:
            raise UsageError(f"{shown}: the samples folder has no sample files.")
        return tuple(body for file in files for body in _load_file(file, relative_to))
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
    suffix = path.suffix.lower()
    if suffix in (".http", ".rest"):
        return read_requests(path, label)
    if suffix not in (".json", ".jsonl"):
        try:
            return (Body(path.read_bytes(), label, content_type_of(path)),)
        except OSError as exc:
            raise UsageError(f"{label}: cannot be read ({exc.strerror}).") from None
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
