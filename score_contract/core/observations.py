"""What was observed while a script was imported, initialised and called.

Plain frozen data: the worker process builds these, pickles them to the parent,
and the checks judge them. Nothing here does I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from .contract import Contract

#: How the server hands a request to run(): the raw body text (undecorated run),
#: keyword arguments converted by inference-schema (``@input_schema``), or the
#: Flask request object (``@rawhttp``).
Mode = Literal["text", "schema", "rawhttp"]

#: Where a request body came from: the user's samples, the decorators' own
#: sample, the contract's boundaries, Hypothesis, a variation of the samples when
#: no contract was declared, an invalid body, or a body sent again to see whether
#: the answer is the same. A comparison run (score_contract.comparison) sends two more: production's recorded
#: requests ("traffic") and the bodies only the old version's contract or samples hold ("baseline"); neither is
#: judged by the per-call checks, which hold a script to its own contract.
Phase = Literal["sample", "example", "boundary", "generated", "varied", "invalid", "repeat", "traffic", "baseline"]
#: Bodies the declared contract (or the user's samples) calls valid: what they break is a failure.
VALID_PHASES: tuple[Phase, ...] = ("sample", "example", "boundary", "generated")
#: ... and bodies meant to be valid by a contract guessed from the samples: what they break is a warning.
VALID_AND_VARIED: tuple[Phase, ...] = (*VALID_PHASES, "varied")


#: What :meth:`Body.parsed` gives for a body that is not JSON.
NOT_JSON = object()


@dataclass(frozen=True)
class Body:
    """One request we send to the server, and where it came from: mostly a POST of a
    JSON body to /score, but a sample file may be any bytes, and a .http request file
    may say the method, the query string and headers of its own."""

    data: bytes
    source: str = ""
    content_type: str = "application/json"
    method: str = "POST"
    #: The path and query string: always /score, maybe with ?a=1.
    target: str = "/score"
    #: Headers besides Content-Type (which is content_type), as the client sends them.
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_json(cls, value: object, source: str = "") -> Body:
        # json.dumps with its defaults is what `requests.post(json=...)` sends.
        return cls(json.dumps(value).encode("utf-8"), source)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="backslashreplace")

    def parsed(self) -> object:
        """Its JSON value, or NOT_JSON (a file sent as it is, malformed JSON)."""
        try:
            return json.loads(self.data)
        except (ValueError, RecursionError):
            return NOT_JSON

    @property
    def is_plain_post(self) -> bool:
        """A POST to /score with no header of its own: all a --body replay needs to say."""
        return self.method == "POST" and self.target == "/score" and not self.headers

    @property
    def is_text(self) -> bool:
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True


@dataclass(frozen=True)
class ScriptError:
    """An exception raised by the user's code, its traceback cut to the user's frames."""

    type_name: str
    message: str
    traceback: str
    location: str = ""

    @property
    def summary(self) -> str:
        first_line = self.message.strip().splitlines()[0] if self.message.strip() else ""
        return f"{self.type_name}: {first_line}" if first_line else self.type_name


@dataclass(frozen=True)
class Caught:
    """An exception the script caught itself, in its own code."""

    error: ScriptError
    #: The handler that caught it, e.g. "score.py:21 in run".
    where: str


@dataclass(frozen=True)
class LoadWarning:
    """A warning the script raised while it was imported or while init() ran (a model pickled
    with another version of its library)."""

    category: str
    message: str
    #: The script's line that led to it, e.g. "score.py:14 in init" ("" when none of its lines did).
    where: str = ""
    #: For a model saved with another version: (library, version it was saved with, version loading it).
    versions: tuple[str, str, str] | None = None
    #: What was loaded, e.g. "LogisticRegression".
    subject: str = ""


@dataclass(frozen=True)
class Death:
    """The worker process ended, or was killed because it stopped answering."""

    exit_code: int | None = None
    signal_name: str | None = None
    hung_after: float | None = None
    last_output: str = ""

    def describe(self) -> str:
        if self.hung_after is not None:
            return f"stopped answering and was killed after {self.hung_after:g} s"
        if self.signal_name is not None:
            return f"was killed by {self.signal_name}"
        return f"exited with code {self.exit_code}"


@dataclass(frozen=True)
class HttpResponse:
    """The response the server would send back."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @property
    def is_json(self) -> bool:
        content_type = (self.header("Content-Type") or "").split(";")[0].strip().lower()
        return content_type == "application/json" or (
            content_type.startswith("application/") and content_type.endswith("+json")
        )


@dataclass(frozen=True)
class ImportResult:
    """Importing the script, and what the server checks right after import."""

    error: ScriptError | None = None
    death: Death | None = None
    #: Why the server would refuse the module (missing init/run, bad run signature).
    definition_problem: str | None = None
    mode: Mode | None = None
    #: run()'s input parameters, as the server sees them (request_headers excluded).
    parameters: tuple[str, ...] = ()
    #: Importing did not finish within the init timeout.
    timed_out: bool = False
    #: Calls of init() made while the module body ran.
    init_calls: int = 0
    #: Extra context for a failed import, e.g. a user module shadowed by the server's.
    hint: str = ""
    elapsed: float = 0.0
    #: What the inference-schema decorators say valid bodies are.
    contract: Contract | None = None
    #: The line where run() is defined in the script, its first decorator included (0: elsewhere).
    run_line: int = 0
    #: Warnings the module raised while it was imported (a model loaded at module level).
    warnings: tuple[LoadWarning, ...] = ()

    @property
    def imported(self) -> bool:
        return self.error is None and self.death is None and not self.timed_out

    @property
    def accepted(self) -> bool:
        """Imported, and the server would accept its init() and run()."""
        return self.imported and self.definition_problem is None


@dataclass(frozen=True)
class InitResult:
    """The server's one call of init() at worker boot."""

    error: ScriptError | None = None
    death: Death | None = None
    timed_out: bool = False
    hint: str = ""
    elapsed: float = 0.0
    #: Exceptions init() caught itself (a model that failed to load, logged and ignored).
    caught: tuple[Caught, ...] = ()
    #: The worker's resident memory right after init(), and its highest so far, in MB (0: not measured).
    rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    #: Warnings init() raised (a model pickled with another version of its library).
    warnings: tuple[LoadWarning, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.death is None and not self.timed_out


@dataclass(frozen=True)
class Call:
    """One request: the body sent, and everything that came of it."""

    body: Body
    #: What the server would send back; None when the worker died.
    response: HttpResponse | None = None
    #: run() raised (the server answers 500).
    error: ScriptError | None = None
    #: The server or the decorators' own conversion refused the body before run() saw it.
    rejected: str | None = None
    #: run() did not return within the per-call timeout.
    timed_out: bool = False
    #: The server could not encode what run() returned (it answers 500).
    encode_error: ScriptError | None = None
    #: run() raised something the server does not catch (SystemExit, KeyboardInterrupt).
    escaped: bool = False
    #: The Python type run() returned, e.g. "numpy.int64".
    returned_type: str = ""
    #: run() returned a Response object (passed through by the server as-is).
    returned_response: bool = False
    #: run() returned a str that is itself JSON: the server encodes it a second time.
    double_encoded: bool = False
    #: Calls of init() made while run() handled this body.
    init_calls: int = 0
    death: Death | None = None
    elapsed: float = 0.0
    #: The per-call timeout run() was given (0: not known), which ``elapsed`` may exceed.
    timeout: float = 0.0
    #: Which worker process handled it (a new one after the previous one died).
    incarnation: int = 1
    phase: Phase = "sample"
    #: For a body sent again: the index (in the evidence) of its first call ...
    repeat_of: int | None = None
    #: ... and where the answer differs from that first one (volatile paths aside).
    changed: str | None = None
    #: Sent again right after the first time, with nothing in between.
    back_to_back: bool = False
    #: Why the response body does not satisfy the output contract.
    output_problem: str | None = None
    #: Exceptions run() caught itself while handling this body.
    caught: tuple[Caught, ...] = ()
    #: Exceptions init() of the worker that handled this body caught itself.
    init_caught: tuple[Caught, ...] = ()
    #: What the script printed (stdout and stderr) while handling this body.
    output: str = ""
    #: The worker's resident memory right after this call, and its highest, in MB (0: not measured) ...
    rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    #: ... ``peak_rss_mb`` is the highest during this call alone (Linux resets the mark before each call).
    own_peak: bool = False


@dataclass(frozen=True)
class Evidence:
    """Everything observed of one script, phase by phase (None: phase not run)."""

    imported: ImportResult | None = None
    initialized: InitResult | None = None
    calls: tuple[Call, ...] = field(default_factory=tuple)
    #: Paths of the answer named volatile (--score-volatile-keys): not compared.
    volatile: tuple[tuple[str, ...], ...] = ()
