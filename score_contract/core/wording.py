"""Small helpers for text that reads well: counts with the right noun, the right article."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """``plural(1, "body", "bodies")`` → "body"; ``plural(3, "sample")`` → "samples"."""
    return one if count == 1 else (many if many is not None else one + "s")


def counted(count: int, one: str, many: str | None = None) -> str:
    """``counted(1, "sample")`` → "1 sample"; ``counted(0, "body", "bodies")`` → "no bodies"."""
    return f"{count if count else 'no'} {plural(count, one, many)}"


def a(noun: str) -> str:
    """``a("inference configuration")`` → "an inference configuration"; ``a("batch")`` → "a batch"."""
    return f"{'an' if noun[:1].lower() in 'aeio' else 'a'} {noun}"


#: Control characters that do not belong in text (tab, newline and carriage return do).
_CONTROL = frozenset(range(32)) - {9, 10, 13}


def shown_bytes(data: bytes, content_type: str = "", limit: int = 300) -> str:
    """A body as a terminal can show it: its text (cut at ``limit`` bytes), or, when it is not
    text (an image, a zip), what it is and its first bytes in hex: printed raw, bytes that are
    not UTF-8 come out as replacement characters and control bytes move the cursor."""
    head = data[:limit]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut through a multi-byte character at the limit is still text.
        text = head[: exc.start].decode("utf-8") if exc.start >= len(head) - 3 and len(data) > limit else ""
        if not text:
            return _binary(data, content_type)
    if any(ord(c) in _CONTROL for c in text):
        return _binary(data, content_type)
    return text


def _binary(data: bytes, content_type: str) -> str:
    first = " ".join(f"{b:02x}" for b in data[:8]) + (" …" if len(data) > 8 else "")
    return f"({len(data)} {plural(len(data), 'byte')} of {content_type or 'data'}: {first})"
