"""The Help Scout client of one account: the shared :class:`ApiSession` authenticated by OAuth2
client credentials (a token fetched through the same session, refreshed before it expires and
when refused), Help Scout's rate-limit headers, and refusals naming the variables."""

from __future__ import annotations

from typing import Any

from connectors.helpscout.settings import HelpScoutSettings
from connectors.http import ApiSession, Clock, RateLimitHeaders, api_session
from connectors.http.auth import ClientCredentials
from connectors.http.refusals import RefusalTexts

API = "/v2"
#: 400 requests a minute per account; a 429 says how long in X-RateLimit-Retry-After.
# https://developer.helpscout.com/mailbox-api/overview/rate-limiting/
RATE_LIMITS = RateLimitHeaders(remaining=("x-ratelimit-remaining-minute",), retry_after=("x-ratelimit-retry-after",))

# https://developer.helpscout.com/mailbox-api/overview/errors/ -- a refusal from the token endpoint
# is about the app's credentials whatever its status; a 403 elsewhere means the app's user lacks the role.
REFUSALS = RefusalTexts(
    unauthorized="{who} refused the app's credentials ({status}): check {names} (Your Profile > My Apps in Help Scout)",
    forbidden=(
        "{who} denied access to {path} (403 Forbidden): the app acts as the user who created it; set {names} to an "
        "app of an Account Owner or Administrator"
    ),
    credential_paths=("/oauth2/token",),
)


class HelpScoutClient:
    def __init__(self, instance: str, settings: HelpScoutSettings, clock: Clock, *, max_attempts: int = 6) -> None:
        self.instance = instance
        self.settings = settings
        self.base_url = settings.base_url
        assert settings.app_id is not None and settings.app_secret is not None
        self.session: ApiSession = api_session(
            service=f"Help Scout {instance}",
            clock=clock,
            rate_limits=RATE_LIMITS,
            wait_budget_seconds=settings.wait_budget_seconds,
            refusal=REFUSALS.bind(who=f"Help Scout {instance}", names=settings.credential_variables),
            timeout=settings.timeout_seconds,
            max_attempts=max_attempts,
        )
        # https://developer.helpscout.com/mailbox-api/overview/authentication/#client-credentials-flow
        self.session.auth = ClientCredentials(
            self.url("/oauth2/token"),
            settings.app_id.get_secret_value(),
            settings.app_secret.get_secret_value(),
            session=self.session,
            clock=clock,
        )

    def url(self, path: str) -> str:
        return f"{self.base_url}{API}{path}"

    def get(self, path: str, params: dict[str, Any] | None = None, *, accept_status: tuple[int, ...] = ()) -> Any:
        return self.session.get_json(self.url(path), params=params, accept_status=accept_status)

    @staticmethod
    def conversation_link(conversation: dict[str, Any]) -> str:
        return (
            f"https://secure.helpscout.net/conversation/{conversation['id']}/{conversation.get('number') or ''}".rstrip(
                "/"
            )
        )
