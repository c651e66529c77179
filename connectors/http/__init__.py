"""Shared HTTP plumbing for every helpdesk connector.

One :class:`ApiSession` per connector instance: a ``requests.Session`` with the one tenacity
retry policy, proactive pacing and the mapping of HTTP failures to the project's errors
installed once. Vendor client libraries (zenpy) are handed this same session.
"""

from __future__ import annotations

from connectors.http.clock import Clock, SystemClock, default_clock
from connectors.http.pacing import Pacer, RouteLimit
from connectors.http.retry import RetryPolicy
from connectors.http.session import ApiSession, Refusal
from connectors.http.waiting import Waiter

__all__ = [
    "ApiSession",
    "Clock",
    "Pacer",
    "Refusal",
    "RetryPolicy",
    "RouteLimit",
    "SystemClock",
    "Waiter",
    "api_session",
    "default_clock",
]


def api_session(
    *,
    service: str,
    clock: Clock,
    limits: tuple[RouteLimit, ...] = (),
    wait_budget_seconds: float = 600.0,
    refusal: Refusal | None = None,
    timeout: float = 60.0,
    max_attempts: int = 6,
) -> ApiSession:
    """An :class:`ApiSession` with its waiter, retry policy and pacer wired to one clock."""
    waiter = Waiter(clock, budget_seconds=wait_budget_seconds)
    return ApiSession(
        service=service,
        waiter=waiter,
        policy=RetryPolicy(waiter, max_attempts=max_attempts),
        pacer=Pacer(clock, limits),
        refusal=refusal,
        timeout=timeout,
    )
