"""Send what the in-process run sent to the official server, over real HTTP.

The server is started when the in-process search starts (its boot overlaps
the search), and is stopped as soon as the last body has been sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..core.observations import VALID_PHASES, Call
from .server import OfficialServer
from .server_checks import Exchange, ServerEvidence

#: At most this many valid and this many invalid bodies go over HTTP.
MAX_BODIES = 200
_GRACE = 5.0
#: How long a dropped connection waits for gunicorn's log to say that the worker died and was replaced.
_SETTLE = 3.0


def exchange(
    server: OfficialServer,
    calls: tuple[Call, ...],
    *,
    boot_timeout: float,
    timeout: float,
    decorated: bool,
    contract: dict[str, object] | None,
    volatile: tuple[tuple[str, ...], ...],
    own_swagger: tuple[tuple[str, str], ...] = (),
    waiting: Callable[[str, float], None] | None = None,
) -> ServerEvidence:
    """``waiting``: told now and then that the server's boot is still awaited (see core.ticker)."""
    try:
        boot = server.wait_ready(boot_timeout, waiting)
        if not boot.ready:
            return ServerEvidence(boot)
        # Every valid body that got an answer in-process: the 2xx ones for parity,
        # the others so that a failure can show what the real server made of them.
        # (Variations of the samples stay in-process: what they find is only a warning.)
        accepted = _distinct(
            c for c in calls if c.phase in VALID_PHASES and c.rejected is None and c.response is not None
        )
        # Each hang costs the server a whole timeout too: one shows how it answers one.
        hanging = [c for c in accepted if c.timed_out]
        accepted = [c for c in accepted if not c.timed_out] + hanging[:1]
        invalid = _distinct(c for c in calls if c.phase == "invalid")
        valid_exchanges = tuple(_send(server, c, timeout, volatile) for c in accepted[:MAX_BODIES])
        invalid_exchanges = tuple(_send(server, c, timeout, volatile) for c in invalid[:MAX_BODIES])
        swagger = tuple((v, server.get(f"/swagger.json?version={v}")) for v in ("2", "3")) if server.alive() else ()
        invalid_examples: tuple[tuple[str, object], ...] = ()
        if own_swagger and contract is not None:
            from ..inputs.strategies import invalid_values

            invalid_examples = tuple(invalid_values(contract))
        return ServerEvidence(
            boot, valid_exchanges, invalid_exchanges, swagger, decorated, contract, invalid_examples, own_swagger
        )
    finally:
        server.stop()


def _distinct(calls: object) -> list[Call]:
    seen: set[bytes] = set()
    kept = []
    for call in calls:  # type: ignore[attr-defined]
        if call.body.data not in seen:
            seen.add(call.body.data)
            kept.append(call)
    return kept


def _send(server: OfficialServer, call: Call, timeout: float, volatile: tuple[tuple[str, ...], ...]) -> Exchange:
    import requests

    boots, offset = server.worker_boots(), server.log_size()
    try:
        answer = server.post(call.body, timeout + _GRACE)
    except requests.RequestException as exc:
        if isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.Timeout):
            _settle(server, boots)
        return Exchange(
            call.body,
            call.response,
            error=_describe(exc, server),
            respawned=server.worker_boots() - boots,
            log=server.log_since(offset),
            volatile=volatile,
        )
    respawned = server.worker_boots() - boots
    return Exchange(
        call.body,
        call.response,
        answer,
        respawned=respawned,
        log=server.log_since(offset) if respawned else "",
        volatile=volatile,
    )


def _settle(server: OfficialServer, boots: int) -> None:
    """A worker that dies mid-request drops the connection before gunicorn's master has reaped it, logged its exit
    and booted a replacement (later still on a busy machine): wait for that, a few seconds at most, so that the
    failure shows the server's own lines about it."""
    deadline = time.monotonic() + _SETTLE
    while time.monotonic() < deadline and server.alive() and server.worker_boots() <= boots:
        time.sleep(0.05)


def _describe(exc: Exception, server: OfficialServer) -> str:
    name = type(exc).__name__
    if not server.alive():
        return f"{name}; the server exited with code {server.exit_code()}"
    return f"{name}: {str(exc)[:200]}"
