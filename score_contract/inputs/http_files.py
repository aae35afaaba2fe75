"""Read ``.http`` request files, the format of the popular REST-client editor extensions
(VS Code's REST Client, JetBrains' HTTP Client), so that a GET, a custom header or a
multipart upload can be written down as a sample.

    ### an image upload (a line starting with ### separates requests; # and // lines are comments)
    @boundary = ----sample
    POST http://localhost:5001/score?threshold=0.5 HTTP/1.1
    Content-Type: multipart/form-data; boundary={{boundary}}
    X-Api-Key: test

    --{{boundary}}
    Content-Disposition: form-data; name="file"; filename="cat.png"
    Content-Type: image/png

    < ./cat.png
    --{{boundary}}--

The request line is ``METHOD URL [HTTP/version]`` (the method defaults to GET, as in
both extensions); only the URL's path and query are kept, and the path must end in
``/score``, the one route a scoring script answers. Headers follow until a blank line;
the rest is the body. A body line ``< path`` includes that file's bytes (relative to the
.http file). Body lines are joined with CRLF in a multipart body, as the extensions
send them, and with LF otherwise; trailing blank lines are dropped. ``@name = value``
lines define variables used as ``{{name}}``.

Written by hand: no kept Python library parses this format.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from ..core.observations import Body
from ..errors import UsageError

_SEPARATOR = re.compile(r"^###")
_COMMENT = re.compile(r"^\s*(#|//)")
_VARIABLE = re.compile(r"^\s*@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$")
_USE = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_HEADER = re.compile(r"^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*:\s*(.*)$")


def included_files(path: Path) -> set[Path]:
    """The files a .http file includes with ``< path``: parts of its requests, not samples of their own."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {(path.parent / line[2:].strip()).resolve() for line in lines if line.startswith("< ")}


def read_requests(path: Path, label: str) -> tuple[Body, ...]:
    """Every request in the .http file at ``path``; ``label`` names it in messages and sources."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{label}: cannot be read ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{label}: not UTF-8 text (byte {exc.start}).") from None
    lines = text.splitlines()
    variables: dict[str, str] = {}
    requests: list[Body] = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if _SEPARATOR.match(line):
            requests += _request(block, variables, path, label, len(requests) + 1)
            block = []
        else:
            block.append((number, line))
    requests += _request(block, variables, path, label, len(requests) + 1)
    if not requests:
        raise UsageError(f"{label}: no request in the file; a .http sample holds one or more, e.g. POST /score.")
    return tuple(requests)


def _request(block: list[tuple[int, str]], variables: dict[str, str], path: Path, label: str, index: int) -> list[Body]:
    """The request of one block between separators (none for a block of comments)."""
    rest = list(block)
    while rest:
        number, line = rest[0]
        match = _VARIABLE.match(line)
        if match:
            variables[match.group(1)] = match.group(2)
        elif line.strip() and not _COMMENT.match(line):
            break
        rest.pop(0)
    if not rest:
        return []
    number, line = rest.pop(0)
    where = f"{label}: line {number}"
    method, target = _request_line(_substitute(line, variables, where), where)
    headers: list[tuple[str, str]] = []
    while rest and rest[0][1].strip():
        number, line = rest.pop(0)
        if _COMMENT.match(line):
            continue
        match = _HEADER.match(_substitute(line, variables, f"{label}: line {number}"))
        if match is None:
            raise UsageError(f"{label}: line {number} is not a header (Name: value): {line.strip()!r}.")
        headers.append((match.group(1), match.group(2).strip()))
    if rest:
        rest.pop(0)  # the blank line before the body
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    others = tuple((k, v) for k, v in headers if k.lower() not in ("content-type", "content-length", "host"))
    data = _body(rest, variables, path, label, multipart=content_type.lower().startswith("multipart/"))
    source = f"{label}#{index}"
    return [Body(data, source, content_type, method, target, others)]


def _request_line(line: str, where: str) -> tuple[str, str]:
    words = line.split()
    method = "GET"
    if words and words[0].upper() in _METHODS:
        method = words.pop(0).upper()
    if not words or len(words) > 2 or (len(words) == 2 and not words[1].upper().startswith("HTTP/")):
        raise UsageError(f"{where}: not a request line (METHOD URL [HTTP/1.1]): {line.strip()!r}.")
    url = urlsplit(words[0])
    if not url.path.rstrip("/").endswith("/score"):
        raise UsageError(f"{where}: {words[0]} is not /score, the one route a scoring script answers.")
    return method, "/score" + (f"?{url.query}" if url.query else "")


def _substitute(text: str, variables: dict[str, str], where: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            raise UsageError(f"{where}: {{{{{name}}}}} is not defined (define it with a line @{name} = value).")
        return variables[name]

    return _USE.sub(value, text)


def _body(lines: list[tuple[int, str]], variables: dict[str, str], path: Path, label: str, multipart: bool) -> bytes:
    while lines and not lines[-1][1].strip():
        lines.pop()
    newline = b"\r\n" if multipart else b"\n"
    parts: list[bytes] = []
    for number, line in lines:
        text = _substitute(line, variables, f"{label}: line {number}")
        if text.startswith("< "):
            included = path.parent / text[2:].strip()
            try:
                parts.append(included.read_bytes())
            except OSError as exc:
                raise UsageError(f"{label}: line {number} includes {text[2:].strip()}, which {_why(exc)}.") from None
        else:
            parts.append(text.encode("utf-8"))
    data = newline.join(parts)
    return data + newline if multipart and data else data


def _why(exc: OSError) -> str:
    return "does not exist" if isinstance(exc, FileNotFoundError) else f"cannot be read ({exc.strerror})"
