"""How the plugin reads its options: the command line first (relative to the invocation folder), then the ini file
(relative to it), and how messages name a value the ini file gave (``score_timeout = abc in pyproject.toml``);
the Hypothesis seed shown in the report header."""

from __future__ import annotations

import os
import random
import shlex
from typing import Any

import pytest

from score_contract.config import options


def value_of(config: pytest.Config, option: options.Option) -> tuple[str | None, str]:
    """The value, and what messages call it when it came from the ini file ("" when it is a flag's).

    Command line (relative to the invocation folder) beats the ini file (relative to it).
    """
    given = config.getoption(option.dest)
    if given is not None:
        return str(given), ""
    from_ini = str(ini_value(config, option)).strip()
    if not from_ini:
        return None, ""
    named = where(config, option.ini, from_ini)
    if option.kind == "path":
        base = config.inipath.parent if config.inipath else config.rootpath
        return os.path.relpath(base / from_ini, config.invocation_params.dir), named
    return from_ini, named


def ini_value(config: pytest.Config, option: options.Option) -> Any:
    """``config.getini``, where a value pytest cannot convert (``score_server = "yes please"``, a
    TOML number for a string key) is a usage error naming the key and its file, not a traceback."""
    try:
        return config.getini(option.ini)
    # pytest 9.2 raises UsageError itself, with its bare reason; earlier versions TypeError/ValueError.
    except (TypeError, ValueError, pytest.UsageError) as exc:
        # pytest's message starts with the file and the key, which ours names already.
        reason = str(exc).split(f"'{option.ini}' ", 1)[-1]
        expected = " (write true or false)" if option.kind == "flag" else ""
        raise pytest.UsageError(f"{where(config, option.ini)}: {reason}{expected}.") from None


def where(config: pytest.Config, key: str, value: str | None = None) -> str:
    """Where an ini value was given, for messages: ``score_timeout = abc in pyproject.toml``, or
    ``-o score_timeout=abc`` when an override on the command line (or PYTEST_ADDOPTS) gave it."""
    args = [*map(str, config.invocation_params.args), *shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))]
    if any(arg.removeprefix("--override-ini=").removeprefix("-o").startswith(f"{key}=") for arg in args):
        return f"-o {key}={value}" if value is not None else f"-o {key}"
    where = os.path.relpath(config.inipath, config.invocation_params.dir) if config.inipath else "the ini file"
    return f"{key} = {value} in {where}" if value is not None else f"{key} in {where}"


#: The key of xdist's workerinput under which the controller hands its seed to each worker.
SEED = "score_contract_seed"


def seed(config: pytest.Config) -> int | None:
    """Hypothesis's own --hypothesis-seed; else one we pick and show, unless the
    loaded profile is derandomized (Hypothesis's ci profile), which needs none.
    An xdist worker takes the controller's: the one the header shows."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and SEED in workerinput:
        handed: int | None = workerinput[SEED]
        return handed
    given = config.getoption("hypothesis_seed", default=None)
    if given is not None:
        try:
            return int(given)
        except ValueError:
            return int.from_bytes(str(given).encode()[:8], "big")
    from hypothesis import settings as hypothesis_settings

    profile = hypothesis_settings.default
    if profile is not None and profile.derandomize:
        return None
    return random.SystemRandom().randrange(2**32)
