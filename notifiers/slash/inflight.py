"""The `/kpi` answers still owed through ``response_url``, and how a shutdown settles them.

A command whose answer was not ready within ``inline_seconds`` is acknowledged with "working on
it" and becomes an :class:`Owed` answer. Exactly one message then goes to its ``response_url``:
the answer, or -- when the process stops before the answer is ready -- :data:`RESTARTED`.
Whoever :meth:`InFlight.claim`\\ s the owed answer first sends its message; the other sends nothing.

On shutdown (:meth:`InFlight.begin_drain`) acknowledgements stop waiting for their answer, new
commands are answered with :data:`RESTARTED` at once (no new work is taken), and the answers in
progress get the grace period to finish (:meth:`InFlight.wait_answered`). Then the callers still
owed are told to ask again (:meth:`InFlight.tell_restarted`), and the answers whose post to
response_url had begun are waited for as long as those messages are: the process exits at once
afterwards, and a post cut by the exit would leave its caller with "working on it" alone. An
answer owed only after that point (an acknowledgement still running on a busy machine) comes
already settled (:attr:`Owed.claimed`): it is acknowledged with :data:`RESTARTED` instead of
"working on it", since no one would post its answer any more.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)

RESTARTED = "The service restarted before your answer was ready; please ask again."
#: A restart message that cannot be delivered within this is given up (the process is stopping).
#: Dozens of them go out at once on a host that may be busy: 2 s lost some on two loaded cores.
RESTART_POST_SECONDS = 5.0


@dataclass(eq=False)
class Owed:
    response_url: str
    claimed: bool = False

    def __deepcopy__(self, memo: dict) -> Owed:
        # Bolt deep-copies the context it hands a lazy listener: the copy must be this very
        # handle, shared by the acknowledgement, the lazy listener and the shutdown.
        return self


class InFlight:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._owed: list[Owed] = []
        #: Claimed answers whose post to response_url is under way: a shutdown waits for them too
        #: (within its grace), or a post begun just before the process exits would be lost.
        self._delivering: set[int] = set()
        #: Completed when the drain begins; acknowledgements wait on it next to their answer.
        self.draining: Future[None] = Future()
        #: Set once the owed answers were abandoned: nothing owed afterwards would be posted.
        self._closed = False

    @property
    def owed(self) -> int:
        """How many answers are owed now."""
        with self._lock:
            return len(self._owed)

    @property
    def is_draining(self) -> bool:
        return self.draining.done()

    def owe(self, response_url: str) -> Owed:
        """A handle on the answer now owed to ``response_url``; already claimed when the owed
        answers were abandoned (no one would post it): acknowledge with :data:`RESTARTED` then."""
        owed = Owed(response_url)
        with self._lock:
            if self._closed:
                owed.claimed = True
            else:
                self._owed.append(owed)
        return owed

    def claim(self, owed: Owed) -> bool:
        """True for the one caller allowed to post to ``owed``'s response_url."""
        with self._lock:
            if owed.claimed:
                return False
            owed.claimed = True
            self._owed.remove(owed)
            self._delivering.add(id(owed))
            self._lock.notify_all()
            return True

    def delivered(self, owed: Owed) -> None:
        """The claimed answer's post is over (sent or failed)."""
        with self._lock:
            self._delivering.discard(id(owed))
            self._lock.notify_all()

    def begin_drain(self) -> None:
        if not self.draining.done():
            self.draining.set_result(None)

    def wait_answered(self, deadline: float) -> None:
        """Until every owed answer went out (its post over), or ``deadline`` (``time.monotonic``) passes."""
        self._wait_while(lambda: self._owed or self._delivering, deadline)

    def wait_delivered(self, deadline: float) -> None:
        """Until the posts under way are over, or ``deadline`` (``time.monotonic``) passes."""
        self._wait_while(lambda: self._delivering, deadline)

    def _wait_while(self, busy, deadline: float) -> None:  # noqa: ANN001 - called under the lock
        with self._lock:
            # Short waits: a second signal must be handled at once by the (waiting) main thread.
            while busy() and time.monotonic() < deadline:
                self._lock.wait(min(0.2, max(0.0, deadline - time.monotonic())))

    def abandon(self) -> list[Owed]:
        """Claim every answer still owed: their callers will be told to ask again."""
        with self._lock:
            self._closed = True
            left, self._owed = self._owed, []
            for owed in left:
                owed.claimed = True
            self._lock.notify_all()
        return left

    def tell_restarted(self, within: float = RESTART_POST_SECONDS) -> int:
        """Post :data:`RESTARTED` to every answer still owed, all at once and for at most ``within``
        seconds in all (the process is stopping), meanwhile letting the answers' posts under way
        finish; how many were told."""
        until = time.monotonic() + within
        left = self.abandon()
        if not left:
            self.wait_delivered(until)
            return 0
        posting = ThreadPoolExecutor(max_workers=min(32, len(left)), thread_name_prefix="kpi-restarted")
        sent = [posting.submit(_tell, owed.response_url, within) for owed in left]
        done, _late = wait(sent, timeout=within)
        posting.shutdown(wait=False, cancel_futures=True)
        self.wait_delivered(until)
        return sum(1 for future in done if future.result())


def _tell(response_url: str, timeout: float) -> bool:
    try:
        response = WebhookClient(response_url, timeout=max(1, int(timeout))).send(
            text=RESTARTED, response_type="ephemeral", replace_original=False
        )
        return response.status_code == 200
    except Exception as error:  # noqa: BLE001 - the process is stopping; log and go on
        log.warning("telling a /kpi caller to ask again failed: %s", type(error).__name__)
        return False
