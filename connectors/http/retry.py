"""The one retry policy of every API session: which faults are retried, how long to wait, when to stop.

Retried: :class:`RetryableError` -- a 429 (after exactly the ``Retry-After`` the service asked for,
never sooner), a 5xx, a timeout or a dropped connection (exponential backoff). Anything else
(a refused credential, a malformed page) goes straight to the caller.

Stops, raising :class:`RunFailed` (everything stored stays; the next run resumes from the
checkpoint), when a fault persists for ``max_attempts`` tries, or when the next wait would take
the session's retry waiting past its wait budget. 429s are limited by the budget alone: a rate
limit that lifts is not a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import tenacity

from connectors.http.waiting import Waiter
from connectors.errors import RateLimited, RetriesExhausted, RetryableError, stopped

T = TypeVar("T")

__all__ = ["RateLimited", "RetryPolicy"]


class RetryPolicy:
    def __init__(
        self,
        waiter: Waiter,
        *,
        max_attempts: int = 6,
        backoff_first: float = 1.0,
        backoff_max: float = 60.0,
    ) -> None:
        self.waiter = waiter
        self.max_attempts = max_attempts
        self._backoff = tenacity.wait_exponential(multiplier=backoff_first, max=backoff_max)
        self._retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(RetryableError),
            wait=self._wait,
            stop=self._stop,
            sleep=waiter.retry,
            before_sleep=self._note_retry,
            retry_error_callback=self._give_up,
        )

    def call(self, attempt: Callable[[], T]) -> T:
        return self._retrying(attempt)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableError) and error.retry_after is not None:
            return max(0.0, error.retry_after)
        return self._backoff(state)

    def _note_retry(self, state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        self.waiter.on_retry(isinstance(error, RateLimited))

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        # tenacity computes the upcoming wait before asking whether to stop.
        if state.upcoming_sleep > self.waiter.budget_left:
            return True
        error = state.outcome.exception() if state.outcome else None
        return not isinstance(error, RateLimited) and state.attempt_number >= self.max_attempts

    def _give_up(self, state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if state.upcoming_sleep > self.waiter.budget_left:
            reason = (
                f"{error}; waiting {state.upcoming_sleep:.0f}s more would pass the wait budget "
                f"({self.waiter.budget_seconds:.0f}s, {self.waiter.retry_waited:.0f}s used)"
            )
            raise RetriesExhausted(stopped(reason), reason=reason) from None
        reason = f"{error}, {state.attempt_number} attempts in a row"
        raise RetriesExhausted(stopped(reason), reason=reason) from None
