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
