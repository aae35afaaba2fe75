"""Every body of one script's exploration goes through one Sender: it counts what each
phase sent, keeps hangs from eating the run, and sends the first answered body twice.

Hangs: each body that makes run() hang costs a whole ``--score-timeout``. A script that
hangs on most bodies would otherwise spend minutes on a search (and on Hypothesis's
shrinking of the hang). After the first hang on a valid body the search stops
starting anything new (:attr:`Sender.hung`); at most ``MAX_HANGS`` hanging calls are
made with valid bodies, and once they are spent no new valid body is sent (invalid
bodies have their own, smaller budget: explore.MAX_INVALID_HANGS). A body that hung
once is not sent again: its call is remembered, so that Hypothesis, replaying it,
sees the same outcome without paying for it.

A worker that can take no more bodies (run() ended it too many times, or a
replacement's init() failed) answers NOT_SENT: from then on nothing is sent, nothing
new starts (:attr:`Sender.stopped`), and what was not sent is counted apart from
what was sent and from what the decorators refused.

Back to back: the first valid body that gets a 2xx answer is sent again at once, up to
``BACK_TO_BACK`` times while its answer stays the same. What differs between those answers
changed by itself (a timing, a timestamp, an id) or shows that run() is not deterministic
(dropout left on, unseeded sampling). Once is not enough: dropping 10 % of twelve inputs
gives the same answer twice in a row one time in eleven, and a later repeat that differed
then blamed state kept between requests. Every repeat must match the first answer, most
often the one that dropped nothing, so the misses are not independent: three repeats
still agree one time in 157 ((0.9**4 + 0.1**4)**12), seven one time in 24,700.

Many at once: :meth:`Sender.many` gives the same calls as sending the bodies one by one, in
the same order and with the same bookkeeping, but hands runs of them to the worker together
(``Stream``: one round trip for the run, the worker answering each as it is done). A run ends
where the worker does: after a death the rest goes again, to a replacement, only if the
caller asks for the next call; a caller that wants no more (a hang in a phase that stops
there) closes it, and the worker skips the rest. Until the back-to-back pairing is done, bodies that may
start it go one by one (the pair must follow its first call with nothing in between).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace

from ..core.compare import Difference, changes, describe, differences
from ..core.observations import VALID_AND_VARIED, Body, Call, Phase

Send = Callable[[Body, Phase], Call]
#: Sends bodies together; gives their calls in order and stops after one that ended the worker.
Stream = Callable[[list[Body], Phase], Generator[Call, None, None]]
#: Told after each body sent: its phase, and every phase's count so far.
Progress = Callable[[str, Counter[str]], None]

#: Hanging calls made at most per script (the first one included).
MAX_HANGS = 5
#: What a body that was not sent is marked with (as Call.rejected).
NOT_SENT = "not sent: "
#: How many times the first answered body is sent again in a row, while its answer stays the same.
BACK_TO_BACK = 7


def hung(call: Call) -> bool:
    return call.timed_out or (call.death is not None and call.death.hung_after is not None)


@dataclass
class Sender:
    send_to_worker: Send
    #: Paths the user named volatile (--score-volatile-keys).
    volatile: tuple[tuple[str, ...], ...] = ()
    #: Bodies sent, by phase (shrinking included).
    sent: Counter[str] = field(default_factory=Counter)
    progress: Progress | None = None
    hangs: int = 0
    #: A valid body made run() hang: start nothing new.
    hung: bool = False
    #: Bodies not sent because the hangs were spent.
    skipped: int = 0
    #: Why the worker can take no more bodies (it kept dying): "" while it can.
    stopped: str = ""
    #: Bodies not sent after that.
    unsent: int = 0
    #: Differences that looked like times or ids, by path, with an example.
    volatile_seen: dict[str, Difference] = field(default_factory=dict)
    _hung_bodies: dict[tuple[bytes, str, str], Call] = field(default_factory=dict)
    #: Pair the next answered valid body (only in the phases that list their bodies).
    pairing: bool = True
    _paired: bool = False
    pending_pairs: list[Call] = field(default_factory=list)
    #: Sends many bodies in one round trip (None: one by one).
    stream_to_worker: Stream | None = None

    def __call__(self, body: Body, phase: Phase) -> Call:
        key = (body.data, body.content_type, phase)
        early = self._not_sent(body, phase, key)
        if early is not None:
            return early
        return self._sent(self.send_to_worker(body, phase), phase, key)

    def many(self, bodies: list[Body], phase: Phase) -> Generator[Call, None, None]:
        """The calls of ``bodies``, in order, as sending each with ``self(body, phase)`` gives them."""
        queue = list(bodies)
        while queue:
            key = (queue[0].data, queue[0].content_type, phase)
            early = self._not_sent(queue[0], phase, key)
            if early is not None or self.stream_to_worker is None or self._may_pair(phase):
                body = queue.pop(0)
                yield early if early is not None else self._sent(self.send_to_worker(body, phase), phase, key)
                continue
            run = []
            for body in queue:
                if (body.data, body.content_type, phase) in self._hung_bodies:
                    break
                run.append(body)
            stream = self.stream_to_worker(run, phase)
            try:
                for call in stream:
                    body = queue.pop(0)
                    call = self._sent(call, phase, (body.data, body.content_type, phase))
                    yield call
                    if self.stopped or call.death is not None:
                        break  # the worker is gone: the rest goes to a replacement, if asked for
            finally:
                stream.close()

    def _may_pair(self, phase: Phase) -> bool:
        return self.pairing and not self._paired and phase in VALID_AND_VARIED

    def _not_sent(self, body: Body, phase: Phase, key: tuple[bytes, str, str]) -> Call | None:
        """The call of a body that is not sent: it hung before, the hangs are spent, or the worker can take no more."""
        if key in self._hung_bodies:
            return self._hung_bodies[key]
        if self.hangs >= MAX_HANGS and phase != "invalid":
            self.skipped += 1
            return Call(body, rejected=f"{NOT_SENT}run() hung {self.hangs} times already", phase=phase)
        if self.stopped:
            self.unsent += 1
            return Call(body, rejected=NOT_SENT + self.stopped, phase=phase)
        return None

    def _sent(self, call: Call, phase: Phase, key: tuple[bytes, str, str]) -> Call:
        """Count a body that went to the worker; start the back-to-back pair after the first answered one."""
        if call.rejected is not None and call.rejected.startswith(NOT_SENT):
            self.stopped = call.rejected.removeprefix(NOT_SENT)
            self.unsent += 1
            return call
        self.sent[phase] += 1
        if self.progress is not None:
            self.progress(phase, self.sent)
        if hung(call):
            self._hung_bodies[key] = call
            if phase != "invalid":
                self.hangs += 1
            if phase in VALID_AND_VARIED:
                self.hung = True
        elif self._may_pair(phase) and _answered(call):
            self._paired = True
            for _ in range(BACK_TO_BACK):
                again = self.again(call, -1, back_to_back=True)
                self.pending_pairs.append(again)
                if again.changed is not None or not _answered(again):
                    break
        return call

    def take_pairs(self, index: int) -> list[Call]:
        """The back-to-back repeats of the call at ``index``, if that call just triggered them."""
        pairs, self.pending_pairs = self.pending_pairs, []
        return [replace(pair, repeat_of=index) for pair in pairs]

    def again(self, first: Call, index: int, back_to_back: bool = False) -> Call:
        """Send ``first``'s body again and say what changed."""
        return self._compared(first, self(first.body, "repeat"), index, back_to_back)

    def again_many(self, firsts: list[tuple[int, Call]]) -> Generator[Call, None, None]:
        """:meth:`again` for each (index, first call), the bodies sent together."""
        calls = self.many([first.body for _, first in firsts], "repeat")
        try:
            for (index, first), call in zip(firsts, calls, strict=True):
                yield self._compared(first, call, index)
        finally:
            calls.close()

    def _compared(self, first: Call, call: Call, index: int, back_to_back: bool = False) -> Call:
        changed = None
        if call.response is not None and first.response is not None and call.rejected is None:
            found = differences(first.response, call.response)
            for difference in found:
                if difference.looks_volatile:
                    self.volatile_seen.setdefault(difference.path, difference)
            real = changes(found, self.volatile)
            changed = describe(real) if real else None
        return replace(call, repeat_of=index, changed=changed, back_to_back=back_to_back)


def _answered(call: Call) -> bool:
    response = call.response
    return call.rejected is None and call.error is None and response is not None and 200 <= response.status < 300
