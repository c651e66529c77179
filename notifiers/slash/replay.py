"""Refuse a signed request seen before: Slack's signature alone allows a replay for 5 minutes.

Bolt's ``RequestVerification`` (slack-sdk's ``SignatureVerifier``) rejects bad signatures and
timestamps more than 5 minutes from now
(https://docs.slack.dev/authentication/verifying-requests-from-slack/), but a captured request
replayed inside that window still verifies. This middleware runs after it and remembers each
accepted signature for twice the window, so a second copy gets the same 401 as a forged one.

Where it remembers is its ``memory``: `serve` gives it the store's
(:class:`kpis.store.seen_requests.SeenRequests`), shared by every endpoint process on that
store, so a request seen by one replica is refused by all the others. Without one (a Bolt app
built on its own, as in tests) the memory is this process's alone (:class:`LocalMemory`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from cachetools import TTLCache
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)

#: Slack's replay window is 5 minutes either side of now; a signature older than that is refused anyway.
WINDOW_SECONDS = 300


class SeenMemory(Protocol):
    def first_sighting(self, key: str, *, ttl: float) -> bool:
        """Remember ``key`` for ``ttl`` seconds; False when it is already remembered."""


class LocalMemory:
    """This process's memory of seen requests (one replica only)."""

    def __init__(self, *, timer: Callable[[], float] = time.monotonic, max_entries: int = 100_000) -> None:
        self._seen: TTLCache = TTLCache(maxsize=max_entries, ttl=2 * WINDOW_SECONDS, timer=timer)
        self._lock = threading.Lock()

    def first_sighting(self, key: str, *, ttl: float) -> bool:  # noqa: ARG002 - the cache's own ttl
        with self._lock:
            if key in self._seen:
                return False
            self._seen[key] = True
            return True


class ReplayGuard(Middleware):
    def __init__(self, memory: SeenMemory | None = None) -> None:
        self._memory = memory or LocalMemory()

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:  # noqa: A002
        if req.mode != "http":
            return next()
        timestamp = req.headers.get("x-slack-request-timestamp", [""])[0]
        signature = req.headers.get("x-slack-signature", [""])[0]
        try:
            first = self._memory.first_sighting(f"{timestamp}:{signature}", ttl=2 * WINDOW_SECONDS)
        except Exception as error:  # noqa: BLE001 - cannot tell a replay: refuse, Slack shows the user an error
            log.warning("/kpi request refused: the replay check could not reach its memory (%s)", error)
            return BoltResponse(status=503, body={"error": "temporarily unavailable"})
        if not first:
            # The same body as Bolt's answer to a bad signature: nothing to learn from it.
            return BoltResponse(status=401, body={"error": "invalid request"})
        return next()
