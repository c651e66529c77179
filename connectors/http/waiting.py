"""Every wait of an API session in one place: sleeps on the injected clock, reports them, keeps the budget.

Two kinds of waits: *pacing* (staying under a known rate limit before asking) and *retry* waits
(after a 429, a 5xx, a timeout or a dropped connection). Both are reported to the sync's progress
display; only retry waits count against the wait budget, because pacing is the normal cost of a
large export while retry waits mean the service is refusing or failing.
"""

from __future__ import annotations

from collections.abc import Callable

from connectors.base import ignore_retry, never_stop
from connectors.errors import StopRequested
from connectors.http.clock import Clock


def _ignore(seconds: float) -> None:
    return None


class Waiter:
    def __init__(self, clock: Clock, *, budget_seconds: float) -> None:
        self.clock = clock
        self.budget_seconds = budget_seconds
        self.retry_waited = 0.0
        #: Called with the seconds of every wait (the sync's per-stream progress display).
        self.on_wait: Callable[[float], None] = _ignore
        #: Called before each retry, with whether the service said 429 (the sync's metrics).
        self.on_retry: Callable[[bool], None] = ignore_retry
        #: Asked before every wait: a sync told to stop does not sit out a long Retry-After first.
        self.should_stop: Callable[[], bool] = never_stop

    @property
    def budget_left(self) -> float:
        return max(0.0, self.budget_seconds - self.retry_waited)

    def pace(self, seconds: float) -> None:
        """Wait before a request to stay under a rate limit."""
        self._wait(seconds)

    def retry(self, seconds: float) -> None:
        """Wait before retrying a refused or failed request; counts against the budget."""
        self.retry_waited += seconds
        self._wait(seconds)

    def _wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        if self.should_stop():
            raise StopRequested(f"asked to stop instead of waiting {seconds:.0f}s")
        self.clock.sleep(seconds)
        self.on_wait(seconds)
