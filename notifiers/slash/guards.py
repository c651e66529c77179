"""What the endpoint refuses before Bolt sees a request, and how it says so.

Bolt's own checks assume Slack's traffic; an address on the internet sends anything. So, in front
of Bolt:

- only ``application/x-www-form-urlencoded`` bodies, the one form Slack sends slash commands and
  interactions in (https://docs.slack.dev/interactivity/implementing-slash-commands#app_command_handling),
  and JSON objects, the form of the Events API's events such as ``app_home_opened``
  (https://docs.slack.dev/apis/events-api/#receiving-events): 415;
- the signature headers present and the timestamp a whole number of seconds: 401 (slack-sdk's
  verifier would raise on ``1e9abc``, which became a 500);
- the signature checked with slack-sdk's :class:`SignatureVerifier` (HMAC-SHA256 of
  ``v0:timestamp:body``, 5-minute window,
  https://docs.slack.dev/authentication/verifying-requests-from-slack/): 401, so that a forged
  request never reaches Bolt, whose verifier logs each one with its body and signature;
- an address whose requests failed verification ``limit`` times within ``window_seconds``: 429
  until the window moves on, so that guessing costs the guesser, not the log.

Each refusal is logged as one line: the reason, the size and the remote address, never the body or
a header's value. Behind a reverse proxy the remote address is the one uvicorn takes from the
proxy's ``X-Forwarded-For`` (its ``forwarded_allow_ips``), or the proxy's own.
"""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
#: Failed verifications one address may make per window before it is refused outright.
DEFAULT_FAILURE_LIMIT = 30
DEFAULT_FAILURE_WINDOW_SECONDS = 60.0
#: Addresses remembered at once; the oldest are forgotten first (a flood of addresses cannot grow memory).
MAX_ADDRESSES = 10_000
_SECONDS = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Refusal:
    status: int
    #: What the log line says (never anything the sender chose).
    reason: str
    #: What the sender is told.
    error: str = "invalid request"
    retry_after: int | None = None


class FailureLimit:
    """Failed verifications per address in a sliding window."""

    def __init__(
        self,
        limit: int = DEFAULT_FAILURE_LIMIT,
        window_seconds: float = DEFAULT_FAILURE_WINDOW_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self._clock = limit, window_seconds, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def blocked_for(self, address: str) -> float:
        """Seconds until ``address`` may try again (0: it may now)."""
        times = self._recent(address)
        if times is None or len(times) < self.limit:
            return 0.0
        return max(times[0] + self.window - self._clock(), 0.0)

    def failed(self, address: str) -> bool:
        """Count a failure; True when it is the one that blocks ``address``."""
        times = self._recent(address)
        if times is None:
            times = self._failures[address] = deque()
            while len(self._failures) > MAX_ADDRESSES:
                self._failures.popitem(last=False)
        times.append(self._clock())
        self._failures.move_to_end(address)
        return len(times) == self.limit

    def _recent(self, address: str) -> deque[float] | None:
        times = self._failures.get(address)
        if times is not None:
            horizon = self._clock() - self.window
            while times and times[0] <= horizon:
                times.popleft()
        return times


class RequestGuard:
    def __init__(self, signing_secret: str, failures: FailureLimit | None = None) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self.failures = failures or FailureLimit()

    def before_body(self, headers: Mapping[str, str], address: str) -> Refusal | None:
        """A refusal decided from the headers alone, before the body is read."""
        wait = self.failures.blocked_for(address)
        if wait > 0:
            return Refusal(429, "too many failed verifications", "too many invalid requests", retry_after=int(wait) + 1)
        media_type = _media_type(headers)
        if media_type not in (FORM, JSON):
            return Refusal(415, f"content type {_shown(media_type)}", "unsupported media type")
        return None

    def verify(self, headers: Mapping[str, str], body: bytes, address: str) -> Refusal | None:
        """A refusal for a request not signed by Slack now; counted against ``address``."""
        timestamp = headers.get("x-slack-request-timestamp")
        signature = headers.get("x-slack-signature")
        try:
            body.decode("utf-8")  # slack-sdk's verifier decodes it, and Slack sends UTF-8 only
        except UnicodeDecodeError:
            return Refusal(400, "body not UTF-8")
        if _media_type(headers) == JSON and not body.lstrip().startswith(b"{"):
            return Refusal(415, "a body typed JSON that is not a JSON object", "unsupported media type")
        if not timestamp or not signature:
            refusal = Refusal(401, "no signature headers")
        elif not _SECONDS.fullmatch(timestamp):
            refusal = Refusal(401, "timestamp not a number")
        elif not self._verifier.is_valid(body, timestamp, signature):
            refusal = Refusal(401, "bad signature or outside the 5-minute window")
        else:
            return None
        self._count(address)
        return refusal

    def rejected(self, address: str) -> None:
        """Bolt refused a request that passed here (a replay): it counts as a failure too."""
        self._count(address)

    def _count(self, address: str) -> None:
        if self.failures.failed(address):
            log.warning(
                "refusing every request from %s for %.0f s: %d failed verifications",
                address, self.failures.window, self.failures.limit,
            )


def log_refusal(refusal: Refusal, *, address: str, size: int | None) -> None:
    """One line per refusal; those of an address already blocked only at DEBUG (a flood stays a line)."""
    shown = "unknown size" if size is None else f"{size} bytes"
    level = logging.DEBUG if refusal.status == 429 else logging.WARNING
    log.log(level, "refused a request from %s with %d: %s (%s)", address, refusal.status, refusal.reason, shown)


def _media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def _shown(media_type: str) -> str:
    # The sender chose it: shown only when it is a plausible media type, and short.
    return repr(media_type[:60]) if re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", media_type) else "missing or malformed"
