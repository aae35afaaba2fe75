"""pytest-split: the shards of a run over many CI machines keep every check of one script on one machine
(issue 22, item 4).

pytest-split (``--splits N --group K``, durations in a committed ``.test_durations``) splits the run's items
into N groups by their recorded durations. It knows no groups of items: its default algorithm cuts the item
list into contiguous chunks wherever a chunk's time is reached, the other assigns each item to the least busy
group, and both can part a script's checks (its issue #108 asks for module-level grouping; open). Parted, each
machine would start the script again, import and init() included, and judge it on half its evidence.

So, as pytest-split itself does for a notebook's cells (``ensure_ipynb_compatibility``: a notebook belongs to
the group that holds its first cell), a script belongs to the shard that was given its first check, which
takes all of its checks; the other shards drop theirs. Every shard computes the same split of the same items
(pytest-split's own premise), so each script lands on exactly one shard and the shards' union is the whole
run. The whole run is the item list just before pytest-split takes its part: recorded by a ``trylast`` hook
of the plugin module, which pluggy calls before the ``trylast`` hook of pytest-split's plugin object (registered
later, at configure time) and after pytest's own ``-k``/``-m`` selection.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence

import pytest

#: The run's items just before pytest-split took this shard's part.
WHOLE_RUN: pytest.StashKey[list[pytest.Item]] = pytest.StashKey()


def splitting(config: pytest.Config) -> bool:
    """pytest-split is installed and asked to run one group of several."""
    return bool(getattr(config.option, "splits", None)) and bool(getattr(config.option, "group", None))


def whole_scripts(
    run: Sequence[pytest.Item], chosen: Sequence[pytest.Item], script_of: Callable[[pytest.Item], str | None]
) -> tuple[list[pytest.Item], list[pytest.Item], list[pytest.Item]]:
    """This shard's items with each script whole, in the run's order: a script goes with its first check; other
    items stay as chosen. Returns the items kept, those added (chosen for another shard) and those dropped."""
    picked = set(chosen)
    owned: dict[str, bool] = {}
    for item in run:
        script = script_of(item)
        if script is not None and script not in owned:
            owned[script] = item in picked

    def keeps(item: pytest.Item) -> bool:
        script = script_of(item)
        return owned.get(script, False) if script is not None else item in picked

    kept = [item for item in run if keeps(item)]
    added = [item for item in kept if item not in picked]
    dropped = [item for item in chosen if not keeps(item)]
    return kept, added, dropped


class WholeScripts:
    """Registered when pytest-split runs one group: mends its choice after every hook has had its say."""

    def __init__(self, script_of: Callable[[pytest.Item], str | None]) -> None:
        self.script_of = script_of

    @pytest.hookimpl(wrapper=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> Generator[None, None, None]:
        yield
        run = config.stash.get(WHOLE_RUN, None)
        if run is None:
            return
        kept, added, dropped = whole_scripts(run, items, self.script_of)
        items[:] = kept
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        terminal = config.pluginmanager.get_plugin("terminalreporter")
        stats = getattr(terminal, "stats", None)
        if added and isinstance(stats, dict) and "deselected" in stats:
            # pytest-split reported them deselected; the "N selected" line counts from that list.
            back = set(added)
            stats["deselected"] = [item for item in stats["deselected"] if item not in back]
