"""``mini_batch_context``: the second argument the driver gives a ``run(mini_batch, mini_batch_context)``.

What it holds is documented by its samples only (see :mod:`.runtime` for the sources):
``partition_key_value``, a dict of the job's ``partition_keys`` to this mini-batch's values;
``dataset``, the input dataset filtered to those values; ``minibatch_index``, the mini-batch's number.
No library provides the object outside the runtime's driver, so it is written here.

Offline the gate has no Dataset object and knows no partition keys (the deployment spec's reading
gives none), so two attributes are made up: ``dataset`` is None, and ``partition_key_value`` answers a
key the script asks for with that column's value in the mini-batch's first row when the mini-batch is
a DataFrame with such a column (in a partitioned job every row of a mini-batch shares its keys' values),
and is otherwise empty. What the script read of them is recorded, so that a failure it led to is a
warning about the gate's guess, not a failure of the script.
"""

from __future__ import annotations

from typing import Any


class PartitionKeyValue(dict[str, Any]):
    """``partition_key_value``: a key the script asks for, read from the mini-batch's columns."""

    def __init__(self, table: Any, guessed: list[str]) -> None:
        super().__init__()
        self._table = table
        self._guessed = guessed

    def __missing__(self, key: str) -> Any:
        table = self._table
        if table is not None and len(table) and key in list(getattr(table, "columns", ())):
            value = table[key].iloc[0]
            value = value.item() if hasattr(value, "item") else value  # a numpy scalar, as a plain value
            self[key] = value
            return value
        self._guessed.append(f"partition_key_value[{key!r}]")
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


class MiniBatchContext:
    """The attributes the driver's ``mini_batch_context`` is documented to have."""

    def __init__(self, minibatch_index: int, table: Any = None) -> None:
        self.minibatch_index = minibatch_index
        #: What the script read that the gate made up ("dataset", "partition_key_value['Store']").
        self.guessed: list[str] = []
        self.partition_key_value = PartitionKeyValue(table, self.guessed)

    @property
    def dataset(self) -> None:
        self.guessed.append("dataset")
        return None

    def __repr__(self) -> str:
        return (
            f"MiniBatchContext(minibatch_index={self.minibatch_index},"
            f" partition_key_value={dict(self.partition_key_value)!r}, dataset=None)"
        )


def passes_context(run: object) -> bool:
    """Whether the driver calls ``run(mini_batch, mini_batch_context)``: run() names a second positional
    parameter, as every sample that reads the context does."""
    import inspect

    try:
        signature = inspect.signature(run)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    positional = [
        p
        for p in signature.parameters.values()
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    if len(positional) < 2:
        return False
    try:
        signature.bind(None, None)
    except TypeError:
        return False
    return True
