"""Refuse a signed request seen before: Slack's signature alone allows a replay for 5 minutes.

Bolt's ``RequestVerification`` (slack-sdk's ``SignatureVerifier``) rejects bad signatures and
timestamps more than 5 minutes from now
(https://docs.slack.dev/authentication/verifying-requests-from-slack/), but a captured request
replayed inside that window still verifies. This middleware runs after it and remembers each
accepted signature for twice the window, so a second copy gets the same 401 as a forged one.
The memory is per process: behind several replicas, a replay sent to another replica passes
this check (and still needs a signature only Slack can make).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cachetools import TTLCache
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

#: Slack's replay window is 5 minutes either side of now; a signature older than that is refused anyway.
WINDOW_SECONDS = 300


class ReplayGuard(Middleware):
    def __init__(self, *, timer: Callable[[], float] = time.monotonic, max_entries: int = 100_000) -> None:
        self._seen: TTLCache = TTLCache(maxsize=max_entries, ttl=2 * WINDOW_SECONDS, timer=timer)
        self._lock = threading.Lock()

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:  # noqa: A002
        if req.mode != "http":
            return next()
        timestamp = req.headers.get("x-slack-request-timestamp", [""])[0]
        signature = req.headers.get("x-slack-signature", [""])[0]
        key = f"{timestamp}:{signature}"
        with self._lock:
            if key in self._seen:
                # The same body as Bolt's answer to a bad signature: nothing to learn from it.
                return BoltResponse(status=401, body={"error": "invalid request"})
            self._seen[key] = True
        return next()
