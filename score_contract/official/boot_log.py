"""What the official server's log says about its workers: which booted, which are
ready, which died, and how many were replaced.

gunicorn's master logs ``Booting worker with pid: N`` for every worker it forks,
``Worker (pid:N) exited with code C.`` / ``Worker (pid:N) was sent SIGSEGV!`` when
one dies, and then forks a replacement. The server's own code logs
``Worker with pid N ready for serving traffic`` once that worker's init() has
returned (``Users's init has completed successfully`` just before it). A worker
that dies and is replaced before it was ever ready is a respawn loop when it keeps
happening; a server with some workers ready and others dead is not ready.

Pure: fed the log's bytes as they arrive, it holds no file and no process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BOOTING = re.compile(rb"Booting worker with pid: (\d+)")
_READY = re.compile(rb"Worker with pid (\d+) ready for serving traffic")
_INIT_DONE = re.compile(rb"\[(\d+)\] azmlinfsrv\.user_script - Users's init has completed successfully")
_DIED = re.compile(rb"Worker \(pid:(\d+)\) (?:exited with code (\d+)|was sent (\w+)!)")
_HALTED = re.compile(rb"gunicorn\.error - Reason: (.+?)\.?$")

#: Replacements of workers that died before they were ready, per worker asked for,
#: that make a respawn loop (one worker: booted three times and never ready).
RESPAWNS_PER_WORKER = 2


@dataclass
class BootLog:
    """The workers' story so far, from the lines of the server's log."""

    workers: int = 1
    booted: list[int] = field(default_factory=list)
    ready: set[int] = field(default_factory=set)
    #: pid -> how it died ("exited with code 3", "was sent SIGSEGV").
    died: dict[int, str] = field(default_factory=dict)
    #: Why gunicorn's master shut itself down ("Worker failed to boot"), if it did.
    halted: str = ""
    _partial: bytes = b""

    def feed(self, data: bytes) -> None:
        """Read more of the log; a line still being written is read with the next feed."""
        data = self._partial + data
        complete = data.rfind(b"\n") + 1
        self._partial = data[complete:]
        for line in data[:complete].splitlines():
            self._line(line)

    def _line(self, line: bytes) -> None:
        if match := _BOOTING.search(line):
            self.booted.append(int(match.group(1)))
        elif match := _READY.search(line) or _INIT_DONE.search(line):
            self.ready.add(int(match.group(1)))
        elif match := _DIED.search(line):
            pid, code, sig = match.groups()
            self.died[int(pid)] = f"exited with code {code.decode()}" if code else f"was sent {sig.decode()}"
        elif match := _HALTED.search(line):
            self.halted = match.group(1).decode("utf-8", "replace")

    @property
    def boots(self) -> int:
        """Workers gunicorn has started so far, replacements included."""
        return len(self.booted)

    def serving(self) -> set[int]:
        """Workers that are ready and have not died since."""
        return self.ready - self.died.keys()

    def all_ready(self) -> bool:
        """Every worker asked for has finished init() and is still alive."""
        return len(self.serving()) >= self.workers

    def died_booting(self) -> list[int]:
        """Workers that died before they were ever ready, in the order they were started."""
        return [pid for pid in self.booted if pid in self.died and pid not in self.ready]

    def cause(self) -> int | None:
        """The worker whose death while booting brought the rest down: the first to die,
        not counting those the master itself stopped (SIGTERM) as it shut down."""
        dead = [pid for pid in self.died if pid not in self.ready]  # in the order they died
        own = [pid for pid in dead if self.died[pid] != "was sent SIGTERM"]
        found = own or dead
        return found[0] if found else None

    def respawn_loop(self) -> str:
        """Why the workers look caught in a respawn loop, or "" while they do not."""
        dead = self.died_booting()
        if len(dead) < RESPAWNS_PER_WORKER * self.workers:
            return ""
        last = self.died[dead[-1]]
        return f"a respawn loop: gunicorn replaced {len(dead)} workers that died while booting (the last {last})"

    def not_ready(self) -> str:
        """Which workers are not serving yet, for a boot that ran out of time."""
        serving = len(self.serving())
        if serving == 0:
            return ""
        return f"{serving} of {self.workers} workers ready"
