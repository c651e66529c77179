"""Proactive pacing: wait *before* a request that a rate limit would refuse, instead of after a 429.

Two sources of knowledge:

- **route limits** the vendor documents but does not announce in headers (Zendesk's incremental
  exports: 10 requests a minute; Freshdesk's ticket list, by plan), kept as a sliding window of
  the last requests on that route; where the plan decides the limit, it is read from each
  response's headers (``from_headers``);
- **rate-limit headers** on every response, read through the vendor's
  :class:`~connectors.http.ratelimits.RateLimitHeaders` (``ratelimit-remaining`` /
  ``ratelimit-reset``, ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset``...). When the remaining
  requests fall to the reserve, the next request waits for the window to reset.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from connectors.http.clock import Clock
from connectors.http.ratelimits import RateLimitHeaders

WINDOW_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class RouteLimit:
    """At most ``per_minute`` requests in any 60 seconds to URLs that ``matches`` accepts.

    ``from_headers`` reads the limit from a response's headers where the account's plan decides
    it (``None`` from it: the limit stays as it was)."""

    name: str
    matches: Callable[[str], bool]
    per_minute: int
    from_headers: Callable[[Mapping[str, str]], int | None] | None = None


class Pacer:
    def __init__(
        self,
        clock: Clock,
        limits: Sequence[RouteLimit] = (),
        *,
        headers: RateLimitHeaders | None = None,
        reserve: int = 2,
    ) -> None:
        self.clock = clock
        self.limits = tuple(limits)
        self.headers = headers or RateLimitHeaders()
        self.reserve = reserve
        self._sent: dict[str, deque[float]] = {limit.name: deque() for limit in self.limits}
        self._per_minute = {limit.name: limit.per_minute for limit in self.limits}
        self._held_until = 0.0

    def delay_for(self, url: str) -> float:
        """Seconds to wait before sending a request to ``url`` (0 when it may go now)."""
        now = self.clock.monotonic()
        deadline = self._held_until
        for limit in self._limits_for(url):
            sent = self._sent[limit.name]
            if len(sent) >= self._per_minute[limit.name]:
                deadline = max(deadline, sent[0] + WINDOW_SECONDS)
        return max(0.0, deadline - now)

    def sent(self, url: str) -> None:
        """Record a request that is going out now."""
        now = self.clock.monotonic()
        for limit in self._limits_for(url):
            self._sent[limit.name].append(now)
            self._keep_last(limit.name)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Read the rate-limit headers of a response; hold further requests when none are left."""
        for limit in self.limits:
            learned = limit.from_headers(headers) if limit.from_headers else None
            if learned:
                self._per_minute[limit.name] = learned
                self._keep_last(limit.name)
        remaining = self.headers.remaining_requests(headers)
        if remaining is None or remaining > self.reserve:
            return
        reset = self.headers.reset_in(headers)
        # Without a reset time, wait out the vendor's whole window (a minute for most).
        hold = reset if reset is not None else self.headers.window_seconds
        self._held_until = max(self._held_until, self.clock.monotonic() + hold)

    def _keep_last(self, name: str) -> None:
        """Only the last ``per_minute`` requests decide the next wait."""
        sent = self._sent[name]
        while len(sent) > self._per_minute[name]:
            sent.popleft()

    def _limits_for(self, url: str) -> list[RouteLimit]:
        return [limit for limit in self.limits if limit.matches(url)]

