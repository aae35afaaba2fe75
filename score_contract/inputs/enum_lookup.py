"""jsonschema's ``enum`` keyword, decided by one set lookup (see _enum), for the validators json_schemas makes.

Written by hand: jsonschema compares an instance with each member in turn and offers no faster keyword; the
canonical form below follows its ``equal`` (jsonschema._utils) on JSON values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema  # type: ignore[import-untyped]


def _canonical(value: Any) -> Any:
    """A hashable form of a JSON value under which two values are equal exactly when jsonschema's ``equal`` says so:
    a string equals only a string, a bool only a bool (True is not 1), 1 equals 1.0, lists element by element, objects
    key by key."""
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (list, tuple)):
        return ("l", tuple(_canonical(v) for v in value))
    if isinstance(value, Mapping):
        return ("m", frozenset((k, _canonical(v)) for k, v in value.items()))
    return ("v", value)  # a number (1 == 1.0, and so are their hashes) or None


_JSONSCHEMA_ENUM = jsonschema.Draft202012Validator.VALIDATORS["enum"]
#: id(enum list) -> (the list, its members' canonical forms); the list is kept so that its id stays its own.
_MEMBERS: dict[int, tuple[list[Any], frozenset[Any]]] = {}


def _enum(validator: Any, enums: Any, instance: Any, schema: Any) -> Any:
    """jsonschema's ``enum`` (the same verdict and message) in one set lookup: its own compares the value with every
    member in turn, and a schema inferred from sample bodies lists every row it saw (200 rows: a third of the time
    spent drawing a generated body went there)."""
    known = _MEMBERS.get(id(enums))
    if known is None or known[0] is not enums:
        try:
            known = (enums, frozenset(_canonical(member) for member in enums))
        except TypeError:  # not JSON values (unhashable): jsonschema's own way
            yield from _JSONSCHEMA_ENUM(validator, enums, instance, schema)
            return
        _MEMBERS[id(enums)] = known
    try:
        found = _canonical(instance) in known[1]
    except TypeError:
        yield from _JSONSCHEMA_ENUM(validator, enums, instance, schema)
        return
    if not found:
        yield jsonschema.ValidationError(f"{instance!r} is not one of {enums!r}")


#: Each draft's validator with the enum above; the draft it extends is what the reading asks about.
WITH_FAST_ENUM = {
    cls: jsonschema.validators.extend(cls, {"enum": _enum})
    for cls in (
        jsonschema.Draft4Validator,
        jsonschema.Draft6Validator,
        jsonschema.Draft7Validator,
        jsonschema.Draft201909Validator,
        jsonschema.Draft202012Validator,
    )
}
DRAFT_OF = {fast: cls for cls, fast in WITH_FAST_ENUM.items()}
