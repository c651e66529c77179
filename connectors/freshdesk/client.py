"""The Freshdesk client of one instance: the shared :class:`ApiSession` with API-key auth and
Freshdesk's rate-limit headers, the API's URLs, and refusals that name the variable to fix."""

from __future__ import annotations

from typing import Any

from connectors.freshdesk.settings import FreshdeskSettings
from connectors.http import ApiSession, Clock, RateLimitHeaders, api_session
from connectors.http.auth import ApiKeyAuth
from connectors.http.refusals import RefusalTexts

API = "/api/v2"
#: Per-minute limits by plan, announced on every response; a 429 carries Retry-After.
# https://developers.freshdesk.com/api/#ratelimit
RATE_LIMITS = RateLimitHeaders(remaining=("x-ratelimit-remaining",))
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
