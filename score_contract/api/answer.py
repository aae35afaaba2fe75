"""What the server sends back for one request, as a contract test sees it: the status, headers and body, and, when
run() failed, what it raised or caught."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.observations import Call, Caught, ScriptError
from ..core.wording import shown_bytes


class Headers(Mapping[str, str]):
    """Response headers, looked up without regard to case (as HTTP does)."""

    def __init__(self, pairs: tuple[tuple[str, str], ...]) -> None:
        self._pairs = pairs

    def __getitem__(self, name: str) -> str:
        wanted = name.lower()
        for key, value in self._pairs:
            if key.lower() == wanted:
                return value
        raise KeyError(name)

    def __iter__(self) -> Any:
        return iter(key for key, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:
        return repr(dict(self._pairs))


@dataclass(frozen=True)
class Answer:
    """One request's answer from the server, as the official server would send it."""

    #: The HTTP status the server sends (500 when run() raised or its answer could not be encoded).
    status: int
    headers: Headers
    #: The body, as bytes and as text.
    content: bytes
    #: What run() raised (the server answers 500), with its traceback cut to the script's own frames.
    error: ScriptError | None = None
    #: Exceptions run() caught itself while handling the request (what a 2xx answer may be hiding).
    caught: tuple[Caught, ...] = ()
    #: What the script printed while it handled the request.
    output: str = ""
    #: run()'s own time, in seconds.
    elapsed: float = 0.0
    #: The body that was sent.
    sent: bytes = field(default=b"", repr=False)

    @property
    def headers_tuple(self) -> tuple[tuple[str, str], ...]:
        return tuple(self.headers.items())

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON, strictly: a NaN or Infinity token (which the server's json.dumps writes and a
        strict client refuses) raises ValueError, as it would in that client."""

        def refuse(token: str) -> Any:
            raise ValueError(f"the answer holds {token}, which is not JSON: a strict client refuses it")

        return jsonlib.loads(self.content, parse_constant=refuse)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def __repr__(self) -> str:
        # What pytest's assertion rewriting shows of it: the status, the body, and the exception behind a failure.
        behind = f", raised {self.error.summary}" if self.error is not None else ""
        caught = f", caught {self.caught[0].error.summary}" if self.caught else ""
        body = shown_bytes(self.content, self.headers.get("Content-Type", ""), limit=200)
        return f"<Answer {self.status} {body}{behind}{caught}>"


def answer_of(call: Call) -> Answer:
    """The Answer for a call the worker made; a call with no response (the worker died) has none to give."""
    assert call.response is not None, "a call without a response has no answer"
    response = call.response
    return Answer(
        status=response.status,
        headers=Headers(response.headers),
        content=response.body,
        error=call.error or call.encode_error,
        caught=call.caught,
        output=call.output,
        elapsed=call.elapsed,
        sent=call.body.data,
    )
