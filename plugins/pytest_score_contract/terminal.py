"""Lines the plugin writes past pytest's capture while a session runs: a long step's progress, a long search's or a
server boot's status."""

from __future__ import annotations

import pytest


def progress(config: pytest.Config, line: str) -> None:
    """A long step (building an environment, waiting for another session's build of it), as it happens.
    The installers' own output is not streamed: it is kept for the failure text."""
    terminal_line(config, f"score-contract: {line}")


def status(config: pytest.Config, line: str) -> None:
    """How a long search or server boot is going."""
    terminal_line(config, f"score-contract: {line}")


def terminal_line(config: pytest.Config, text: str) -> None:
    """``text`` written now, past pytest's capture, as its live logging is: on a terminal and in a CI log
    alike, where minutes of silence look like a hang. The engine says at most one line every few seconds
    (exploration.ticker's cadence), so a log stays short."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        # Under -q the progress dots have no file name before them, and ensure_newline starts a new line only
        # after one: a line of ours would follow the dots. (pytest's live logging writes a newline too.)
        reporter.ensure_newline()
        if getattr(getattr(reporter, "_tw", None), "width_of_current_line", 0):
            reporter.write("\n")
        reporter.write_line(text)
