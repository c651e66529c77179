"""The Freshdesk client of one instance: the shared :class:`ApiSession` with API-key auth and
Freshdesk's rate-limit headers, the API's URLs, and refusals that name the variable to fix."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.freshdesk.settings import FreshdeskSettings
from connectors.http import ApiSession, Clock, RateLimitHeaders, api_session
from connectors.http.auth import ApiKeyAuth
from kpis.errors import CredentialError, HelpdeskKpisError

API = "/api/v2"
#: Per-minute limits by plan, announced on every response; a 429 carries Retry-After.
# https://developers.freshdesk.com/api/#ratelimit
RATE_LIMITS = RateLimitHeaders(remaining=("x-ratelimit-remaining",))


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
            refusal=self._refusal,
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

    def _refusal(self, response: requests.Response) -> HelpdeskKpisError:
        key = self.settings.variable("API_KEY")
        who = f"Freshdesk {self.instance}"
        if response.status_code == 401:
            return CredentialError(
                f"{who} refused the API key (401 Unauthorized): check {key} (your profile settings in Freshdesk "
                "show Your API Key)"
            )
        what = _what(urlsplit(response.url).path)
        return CredentialError(
            f"{who} denied access to {what} (403 Forbidden): set {key} to the API key of an agent with the "
            "Administrator or Supervisor role"
        )


def _what(path: str) -> str:
    for fragment, name in (
        ("satisfaction_ratings", "satisfaction ratings"),
        ("surveys", "surveys"),
        ("tickets", "tickets"),
        ("groups", "groups"),
        ("agents", "agents"),
    ):
        if fragment in path:
            return name
    return "this endpoint"
