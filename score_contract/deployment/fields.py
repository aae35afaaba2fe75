"""Read one field of a deployment spec as the platform would, or refuse it in one sentence naming the file and the
field: `liveness_probe: 30`, `initial_delay: ten`, `request_timeout_ms: -100` or `environment_variables` given as a
list are refused by `az ml` when the spec is submitted, and used to surface here as an INTERNALERROR (a float() of a
dict) or as pages of Hypothesis's `Unsatisfiable`.

Written by hand rather than validated against the published JSON Schemas: those schemas are not shipped in any
package this machine can install without azure-ai-ml (which `misspelled` uses when it is there), and what a value
*means* to the gate (seconds, a count, -1 as "no limit") has to be decided here anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import UsageError


class Fields:
    """The fields of one mapping of a spec (its top level, or `request_settings:`), read with their full name."""

    def __init__(self, data: Mapping[str, Any], shown: str, prefix: str = "") -> None:
        self.data = data
        self.shown = shown
        self.prefix = prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def _refuse(self, key: str, wanted: str) -> UsageError:
        value = self.data[key]
        return UsageError(f"{self.shown}: {self.name(key)} is {_written(value)}, but it must be {wanted}.")

    def mapping(self, key: str) -> Fields:
        """A nested mapping (absent or null: an empty one)."""
        value = self.data.get(key)
        if value is None:
            return Fields({}, self.shown, f"{self.name(key)}.")
        if not isinstance(value, Mapping):
            raise self._refuse(key, "a mapping of fields (key: value lines under it)")
        return Fields(value, self.shown, f"{self.name(key)}.")

    def number(self, key: str, default: float, *, minimum: float = 0, above: bool = False) -> float:
        """A number of at least ``minimum`` (above it, when ``above``); YAML may quote it."""
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            raise self._refuse(key, "a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self._refuse(key, "a number") from None
        if number != number or number < minimum or (above and number == minimum):  # NaN, or out of range
            raise self._refuse(key, f"a number {'above' if above else 'of at least'} {_plain(minimum)}")
        return number

    def integer(self, key: str, default: int | None, *, minimum: int) -> int | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and _is_int(value))):
            raise self._refuse(key, f"a whole number of at least {minimum}")
        number = int(value)
        if number < minimum:
            raise self._refuse(key, f"a whole number of at least {minimum}")
        return number

    def text(self, key: str, default: str = "", *, choices: tuple[str, ...] = ()) -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, (Mapping, list)):
            raise self._refuse(key, "a single value")
        text = str(value)
        if choices and text.lower() not in choices:
            raise self._refuse(key, "one of " + ", ".join(choices))
        return text.lower() if choices else text

    def variables(self, key: str) -> dict[str, str]:
        """`environment_variables:` — a mapping of names to values (a YAML list of `NAME=value` is refused, as az ml
        refuses it)."""
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self._refuse(key, "a mapping of variable names to values (NAME: value)")
        variables: dict[str, str] = {}
        for name, item in value.items():
            if isinstance(item, (Mapping, list)):
                raise UsageError(f"{self.shown}: {self.name(key)}.{name} must be a single value, not {_written(item)}.")
            variables[str(name)] = "" if item is None else _env_value(item)
        return variables


def _env_value(value: object) -> str:
    """What the container's environment holds for a YAML scalar: true/false as the platform passes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_int(text: str) -> bool:
    return text.strip().lstrip("+-").isdigit()


def _plain(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _written(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return repr(value)
    return str(value)
