"""Shared HTTP plumbing for every helpdesk connector.

One :class:`ApiSession` per connector instance: a ``requests.Session`` with the one tenacity
retry policy, proactive pacing (from the vendor's :class:`RateLimitHeaders` and documented route
limits) and the mapping of HTTP failures to the project's errors installed once; an auth object
per scheme (:mod:`connectors.http.auth`); one paginator abstraction with a loop guard
(:mod:`connectors.http.paging`). Vendor client libraries (zenpy) are handed this same session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from connectors.http.clock import Clock, SystemClock, default_clock
from connectors.http.pacing import Pacer, RouteLimit
from connectors.http.ratelimits import RateLimitHeaders
from connectors.http.waiting import Waiter
from connectors.lazy import lazy_attributes

if TYPE_CHECKING:
    from requests.auth import AuthBase

    from connectors.http.retry import RetryPolicy
    from connectors.http.session import ApiSession, Refusal

# requests and tenacity are imported when first used: the connectors' settings models import
# connectors.http.options at every start of the command line, which needs neither.
__getattr__ = lazy_attributes(
    __name__, "connectors.http.retry:RetryPolicy", "connectors.http.session:ApiSession", "connectors.http.session:Refusal"
)

__all__ = [
    "ApiSession",
    "Clock",
    "Pacer",
    "RateLimitHeaders",
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
    rate_limits: RateLimitHeaders | None = None,
    wait_budget_seconds: float = 600.0,
    refusal: Refusal | None = None,
    timeout: float = 60.0,
    max_attempts: int = 6,
    auth: AuthBase | None = None,
    headers: Mapping[str, str] | None = None,
) -> ApiSession:
    """An :class:`ApiSession` with its waiter, retry policy and pacer wired to one clock.

    ``headers`` are sent with every request (Intercom's ``Intercom-Version``, say).
    """
    from connectors.http.retry import RetryPolicy
    from connectors.http.session import ApiSession

    waiter = Waiter(clock, budget_seconds=wait_budget_seconds)
    session = ApiSession(
        service=service,
        waiter=waiter,
        policy=RetryPolicy(waiter, max_attempts=max_attempts),
        pacer=Pacer(clock, limits, headers=rate_limits),
        refusal=refusal,
        timeout=timeout,
    )
    session.auth = auth
    session.headers.update(headers or {})
    return session
