"""The Freshdesk client of one instance: the shared :class:`ApiSession` with API-key auth and
Freshdesk's rate-limit headers, the API's URLs, and refusals that name the variable to fix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from connectors.freshdesk.settings import FreshdeskSettings
from connectors.http import ApiSession, Clock, RateLimitHeaders, RouteLimit, api_session
from connectors.http.auth import ApiKeyAuth
from connectors.http.refusals import RefusalTexts

API = "/api/v2"
#: Per-minute limits by plan, announced on every response (X-RateLimit-Total / -Remaining); a
#: 429 carries Retry-After. Accounts still on the older hourly limits (Blossom, Garden: 3,000 an
#: hour; Estate, Forest: 5,000) are asked to wait up to an hour.
# https://developers.freshdesk.com/api/#ratelimit
# https://support.freshdesk.com/support/solutions/articles/225439 ("What are the rate limits for the API calls")
RATE_LIMITS = RateLimitHeaders(
    remaining=("x-ratelimit-remaining",),
    beyond_window=(
        "this Freshdesk account's plan counts API calls per hour (3,000 or 5,000 an hour on the older plans), "
        "not per minute; raise wait_budget_seconds to wait it out, or ask Freshdesk support to move the account "
        "to per-minute limits"
    ),
)
#: The ticket list's own limit a minute, by the plan's announced total: Growth 200 -> 20, Pro
#: 400 -> 100, Enterprise 700 -> 200 (same article). Below Growth's total (a trial's 50) the
#: Growth figure; a higher bought total keeps Enterprise's.
TICKET_LIST_BY_TOTAL = ((700, 200), (400, 100), (0, 20))
TICKET_LIST_PATH = f"{API}/tickets"


def ticket_list_limit(per_minute: int | None) -> RouteLimit:
    """The ticket list's pacing: ``per_minute`` when configured, else the plan's as each answer's
    ``X-RateLimit-Total`` announces it (20 a minute, Growth's, until the first answer)."""

    def from_total(headers: Mapping[str, str]) -> int | None:
        try:
            total = int(headers.get("X-RateLimit-Total", ""))
        except ValueError:
            return None
        return next(limit for floor, limit in TICKET_LIST_BY_TOTAL if total >= floor)

    return RouteLimit(
        "ticket list",
        lambda url: urlsplit(url).path.endswith(TICKET_LIST_PATH),
        per_minute or TICKET_LIST_BY_TOTAL[-1][1],
        from_headers=None if per_minute else from_total,
    )

# https://developers.freshdesk.com/api/#authentication and #error (401 / 403)
REFUSALS = RefusalTexts(
    unauthorized=(
        "{who} refused the API key (401 Unauthorized): check {key} (your profile settings in Freshdesk show Your API Key)"
    ),
    forbidden=(
        "{who} denied access to {what} (403 Forbidden): set {key} to the API key of an agent with the "
        "Administrator or Supervisor role"
    ),
    areas=(
        ("satisfaction_ratings", "satisfaction ratings"),
        ("surveys", "surveys"),
        ("tickets", "tickets"),
        ("groups", "groups"),
        ("agents", "agents"),
    ),
)


class FreshdeskClient:
    def __init__(self, instance: str, settings: FreshdeskSettings, clock: Clock, *, max_attempts: int = 6) -> None:
        self.instance = instance
        self.settings = settings
        self.base_url = settings.base_url
        assert settings.api_key is not None
        self.session: ApiSession = api_session(
            service=f"Freshdesk {instance}",
            clock=clock,
            limits=(ticket_list_limit(settings.ticket_list_per_minute),),
            rate_limits=RATE_LIMITS,
            wait_budget_seconds=settings.wait_budget_seconds,
            refusal=REFUSALS.bind(who=f"Freshdesk {instance}", key=settings.variable("API_KEY")),
            timeout=settings.timeout_seconds,
            max_attempts=max_attempts,
            # https://developers.freshdesk.com/api/#authentication
            auth=ApiKeyAuth(settings.api_key.get_secret_value()),
        )

    def url(self, path: str) -> str:
        """Absolute URL of an API path (``/tickets``)."""
        return f"{self.base_url}{API}{path}"

    def get(self, path: str, params: dict[str, Any] | None = None, *, accept_status: tuple[int, ...] = ()) -> Any:
        return self.session.get_json(self.url(path), params=params, accept_status=accept_status)

    def ticket_link(self, ticket_id: Any) -> str:
        return f"{self.base_url}/a/tickets/{ticket_id}"
