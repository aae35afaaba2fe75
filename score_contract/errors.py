"""The one error type the shells turn into a usage error (exit code 4)."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input from the user: one sentence naming the file and the problem.

    Shells print the message alone, never a traceback of ours.
    """
